"""The one filter definition of each anti-fraud list: pages, their partials, API and exports."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as PydanticValidationError

from shouwang.antifraud.choices import FraudType, ReportChannel, RequestState, RequestType
from shouwang.antifraud.kind import FRAUD_KIND
from shouwang.antifraud.models import FraudReport, PartnerRequest
from shouwang.cases.kinds import search_text
from shouwang.common.params import FilterDate, FilterList
from shouwang.orgs.models import Unit


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _unit_q(code: str, field: str) -> Q:
    unit = Unit.objects.filter(code=code).only("path").first()
    return Q(**{f"{field}__path__startswith": unit.path}) if unit else Q(pk__in=[])


class ReportFilter(BaseModel):
    model_config = ConfigDict(extra="ignore")

    q: str = Field("", max_length=100, description="reference, receipt number or text")
    fraud_type: FilterList[FraudType] = Field(default_factory=list)
    channel: FilterList[ReportChannel] = Field(default_factory=list)
    unit: str = Field("", max_length=32, description="unit code: that unit and its subtree")
    pending: bool | None = Field(None, description="public reports not yet accepted")
    reported_from: FilterDate = None
    reported_to: FilterDate = None

    def apply(self, queryset: QuerySet[FraudReport]) -> QuerySet[FraudReport]:
        if self.q.strip():
            pk = FRAUD_KIND.parse_reference(self.q)
            text = Q(search_text__contains=search_text(self.q)) | Q(
                ack_number=self.q.strip().upper()
            )
            queryset = queryset.filter(Q(pk=pk) | text if pk else text)
        if self.fraud_type:
            queryset = queryset.filter(fraud_type__in=self.fraud_type)
        if self.channel:
            queryset = queryset.filter(channel__in=self.channel)
        if self.unit:
            queryset = queryset.filter(_unit_q(self.unit, "unit"))
        if self.pending is not None:
            queryset = queryset.filter(accepted_at__isnull=self.pending)
        if self.reported_from:
            queryset = queryset.filter(created_at__gte=_day_start(self.reported_from))
        if self.reported_to:
            end = _day_start(self.reported_to + timedelta(days=1))
            queryset = queryset.filter(created_at__lt=end)
        return queryset.order_by("-created_at", "-pk")


class RequestFilter(BaseModel):
    model_config = ConfigDict(extra="ignore")

    state: FilterList[RequestState] = Field(default_factory=list)
    type: FilterList[RequestType] = Field(default_factory=list)
    late: bool | None = None
    organisation: int | None = None
    report: int | None = None
    unit: str = Field("", max_length=32)

    def apply(self, queryset: QuerySet[PartnerRequest]) -> QuerySet[PartnerRequest]:
        if self.state:
            queryset = queryset.filter(state__in=self.state)
        if self.type:
            queryset = queryset.filter(type__in=self.type)
        if self.late is not None:
            queryset = queryset.filter(is_late=self.late)
        if self.organisation:
            queryset = queryset.filter(organisation_id=self.organisation)
        if self.report:
            queryset = queryset.filter(report_id=self.report)
        if self.unit:
            queryset = queryset.filter(_unit_q(self.unit, "unit"))
        # Open requests first, the most urgent on top; answered ones newest first.
        return queryset.order_by("-state", "deadline", "-pk")


LIST_PARAMS = {"fraud_type", "channel", "state", "type"}


def parse_params[F: BaseModel](model: type[F], params: QueryDict) -> tuple[F, list[str]]:
    """A filter from a query string and the errors that make it unusable (shown, not dropped)."""
    data: dict[str, Any] = {}
    for key in params:
        if key in LIST_PARAMS:
            data[key] = params.getlist(key)
        elif params.get(key, "").strip():
            data[key] = params.get(key, "")
    try:
        return model.model_validate(data), []
    except PydanticValidationError as exc:
        errors = [
            _("筛选条件“%(field)s”的值“%(value)s”无效。")
            % {"field": str(e["loc"][0]) if e["loc"] else "", "value": str(e.get("input"))[:40]}
            for e in exc.errors()
        ]
        return model.model_validate({}), errors
