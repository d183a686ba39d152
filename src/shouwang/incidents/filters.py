"""The one filter definition of incidents: the list, its HTMX partial, the map, the API."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone
from pydantic import BaseModel, ConfigDict, Field

from shouwang.common.params import FilterDate, FilterList
from shouwang.incidents.choices import IncidentSource
from shouwang.incidents.models import Incident, IncidentCategory
from shouwang.orgs.models import Unit
from shouwang.orgs.tree import under_any


def local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


class IncidentFilter(BaseModel):
    """Query parameters shared by every view of incidents. Unknown values are errors."""

    model_config = ConfigDict(extra="ignore")

    date_from: FilterDate = Field(None, description="first day (local time), inclusive")
    date_to: FilterDate = Field(None, description="last day (local time), inclusive")
    category: FilterList[str] = Field(
        default_factory=list, description="category codes: each with its subcategories"
    )
    unit: str = Field("", max_length=32, description="unit code: that unit and its subtree")
    source: FilterList[IncidentSource] = Field(default_factory=list)

    def category_q(self, prefix: str = "category__") -> Q | None:
        """The categories asked for, with their subtrees; None when all are."""
        if not self.category:
            return None
        paths = IncidentCategory.objects.filter(code__in=self.category).values_list(
            "path", flat=True
        )
        return under_any(f"{prefix}path", paths)

    def apply(self, queryset: QuerySet[Incident]) -> QuerySet[Incident]:
        qs = queryset
        categories = self.category_q()
        if categories is not None:
            qs = qs.filter(categories)
        if self.unit:
            # Resolve the code first so the filter is a prefix match the path index serves.
            path = Unit.objects.filter(code=self.unit).values_list("path", flat=True).first()
            qs = qs.filter(unit__path__startswith=path) if path else qs.none()
        if self.source:
            qs = qs.filter(source__in=self.source)
        if self.date_from:
            qs = qs.filter(occurred_at__gte=local_midnight(self.date_from))
        if self.date_to:
            qs = qs.filter(occurred_at__lt=local_midnight(self.date_to + timedelta(days=1)))
        return qs.order_by("-occurred_at", "-pk")

    def with_default_window(self, days: int, today: date) -> IncidentFilter:
        """The same filter over the last `days` days when it names no dates (maps would
        otherwise draw years of points)."""
        if self.date_from or self.date_to:
            return self
        return self.model_copy(update={"date_from": today - timedelta(days=days - 1)})
