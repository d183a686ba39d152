"""The one filter definition of the audit log: the auditor's page, its HTMX rows and the CSV."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.apps import apps
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from shouwang.audit.models import AuditEvent
from shouwang.cases.kinds import all_kinds
from shouwang.cases.models import Case
from shouwang.common.params import FilterDate

CHANNELS = ("web", "api", "job", "cli", "system")

# Each parameter's label on the filter form, for naming it in an error message.
FILTER_LABELS = {
    "actor": _("操作人用户名"),
    "action": _("动作(前缀)"),
    "object_type": _("对象类型"),
    "object_id": _("对象编号或案件编号"),
    "unit": _("单位(含下级)"),
    "channel": _("渠道"),
    "date_from": _("开始日期"),
    "date_to": _("结束日期"),
    "reveals": _("只看带事由的记录(查看个人信息)"),
}


def case_object_types() -> list[str]:
    """Labels under which audit rows name a case: the base model and every domain's subclass."""
    return sorted(m._meta.label_lower for m in apps.get_models() if issubclass(m, Case))


def parse_case_reference(text: str) -> int | None:
    """The case id behind a reference such as YH0000012, whatever the case kind."""
    for kind in all_kinds():
        pk = kind.parse_reference(text)
        if pk is not None:
            return pk
    return None


class AuditFilter(BaseModel):
    """Query parameters of the audit log. Blank form fields mean "any"."""

    model_config = ConfigDict(extra="ignore")

    actor: str = Field("", max_length=150, description="username (exact) or part of the name")
    action: str = Field("", max_length=64, description="action prefix, e.g. case. or personal")
    object_type: str = Field("", max_length=64, description="app_label.model, e.g. hazards.hazard")
    object_id: str = Field(
        "", max_length=64, description="object id, or a case reference such as YH0000012"
    )
    unit: str = Field("", max_length=32, description="unit code: that unit and its subtree")
    channel: str = Field("", description="web, api, job, cli or system")
    date_from: FilterDate = None
    date_to: FilterDate = None
    reveals: bool | None = Field(None, description="only events that carry a purpose")

    @field_validator(
        "actor", "action", "object_type", "object_id", "unit", "channel", mode="before"
    )
    @classmethod
    def _strip(cls, value: object) -> object:
        return value.strip() if isinstance(value, str) else value

    @field_validator("object_type")
    @classmethod
    def _lower(cls, value: str) -> str:
        return value.lower()

    @field_validator("channel")
    @classmethod
    def _channel(cls, value: str) -> str:
        if value and value not in CHANNELS:
            raise ValueError(f"channel must be one of {', '.join(CHANNELS)}")
        return value

    @field_validator("reveals", mode="before")
    @classmethod
    def _blank(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("reveals", mode="before")
    @classmethod
    def _checkbox(cls, value: object) -> object:
        # An HTML checkbox sends "on".
        return True if value == "on" else value

    @model_validator(mode="after")
    def _date_order(self) -> AuditFilter:
        if self.date_from and self.date_to and self.date_to < self.date_from:
            raise ValueError("date_to is before date_from")
        return self

    def apply(self, queryset: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        qs = queryset
        if self.actor:
            qs = qs.filter(Q(actor__username__iexact=self.actor) | Q(actor_label=self.actor))
        if self.action:
            qs = qs.filter(action__startswith=self.action)
        if self.object_type:
            qs = qs.filter(object_type=self.object_type)
        if self.object_id:
            case_pk = parse_case_reference(self.object_id)
            if case_pk is not None:
                qs = qs.filter(object_id=str(case_pk), object_type__in=case_object_types())
            else:
                qs = qs.filter(object_id=self.object_id)
        if self.unit:
            qs = qs.filter(unit__path__contains=f"/{self.unit}/")
        if self.channel:
            qs = qs.filter(channel=self.channel)
        tz = timezone.get_current_timezone()
        if self.date_from:
            start = timezone.make_aware(datetime.combine(self.date_from, time.min), tz)
            qs = qs.filter(at__gte=start)
        if self.date_to:
            end = self.date_to + timedelta(days=1)
            qs = qs.filter(at__lt=timezone.make_aware(datetime.combine(end, time.min), tz))
        if self.reveals is True:
            qs = qs.exclude(purpose="")
        elif self.reveals is False:
            qs = qs.filter(purpose="")
        return qs.order_by("-at", "-id")

    def is_empty(self) -> bool:
        return self == AuditFilter()
