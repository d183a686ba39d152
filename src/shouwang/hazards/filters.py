"""The one filter definition of the hazard register: HTML list, HTMX partial, API and exports."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone
from pydantic import BaseModel, ConfigDict, Field, field_validator

from shouwang.cases.choices import OPEN_STATES, CaseState
from shouwang.cases.kinds import search_text
from shouwang.common.params import FilterBool, FilterDate, FilterList
from shouwang.hazards.choices import HazardCategory, HazardGrade, HazardSource
from shouwang.hazards.kind import HAZARD_KIND
from shouwang.hazards.models import Hazard
from shouwang.orgs.models import Unit

SORTS = {
    "-found_at": ("-found_at", "-pk"),
    "found_at": ("found_at", "pk"),
    "deadline": ("deadline", "pk"),
    "-deadline": ("-deadline", "-pk"),
    "-created_at": ("-created_at", "-pk"),
}


class HazardFilter(BaseModel):
    """Query parameters shared by every view of the register. Unknown values are errors."""

    model_config = ConfigDict(extra="ignore")

    q: str = Field(
        "", max_length=100, description="text in title, address, responsible party or reference"
    )
    state: FilterList[CaseState] = Field(default_factory=list)
    open: FilterBool = Field(None, description="only open (true) or only ended (false) hazards")
    category: FilterList[HazardCategory] = Field(default_factory=list)
    grade: FilterList[HazardGrade] = Field(default_factory=list)
    source: FilterList[HazardSource] = Field(default_factory=list)
    unit: str = Field("", max_length=32, description="unit code: that unit and its subtree")
    overdue: FilterBool = None
    campaign: int | None = None
    found_from: FilterDate = None
    found_to: FilterDate = None
    sort: str = Field("-found_at")

    @field_validator("sort")
    @classmethod
    def _sort(cls, value: str) -> str:
        return value if value in SORTS else "-found_at"

    def apply(self, queryset: QuerySet[Hazard]) -> QuerySet[Hazard]:
        qs = queryset
        if self.q:
            # One column, one index: see cases.kinds.search_text.
            text = Q(search_text__contains=search_text(self.q))
            ref = HAZARD_KIND.parse_reference(self.q)
            if ref is not None:
                text |= Q(pk=ref)
            qs = qs.filter(text)
        if self.state:
            qs = qs.filter(state__in=self.state)
        if self.open is True:
            qs = qs.filter(state__in=OPEN_STATES)
        elif self.open is False:
            qs = qs.exclude(state__in=OPEN_STATES)
        if self.category:
            qs = qs.filter(category__in=self.category)
        if self.grade:
            qs = qs.filter(grade__in=self.grade)
        if self.source:
            qs = qs.filter(source__in=self.source)
        if self.unit:
            # Resolve the code first so the filter is a prefix match the path index serves.
            path = Unit.objects.filter(code=self.unit).values_list("path", flat=True).first()
            qs = qs.filter(unit__path__startswith=path) if path else qs.none()
        if self.overdue is not None:
            qs = qs.filter(is_overdue=self.overdue)
        if self.campaign is not None:
            qs = qs.filter(campaign_id=self.campaign)
        tz = timezone.get_current_timezone()
        if self.found_from:
            qs = qs.filter(
                found_at__gte=timezone.make_aware(datetime.combine(self.found_from, time.min), tz)
            )
        if self.found_to:
            end = self.found_to + timedelta(days=1)
            qs = qs.filter(found_at__lt=timezone.make_aware(datetime.combine(end, time.min), tz))
        return qs.order_by(*SORTS[self.sort])

    def is_empty(self) -> bool:
        return self == HazardFilter()
