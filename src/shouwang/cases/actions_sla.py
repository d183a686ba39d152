"""Writes of the SLA table (kind x grade -> hours). Reads are `cases.actions.sla_hours`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shouwang.audit.log import record
from shouwang.cases.kinds import all_kinds, get_kind
from shouwang.cases.models import SlaRule
from shouwang.common.errors import NotPermitted
from shouwang.orgs.roles import Cap

if TYPE_CHECKING:
    from shouwang.orgs.models import User

HOURS_MIN = 1
HOURS_MAX = 8760  # one year
DEFAULT_ESCALATE_EVERY_HOURS = 72  # as in cases.actions.sla_hours


@dataclass(frozen=True)
class SlaRow:
    """One cell of the SLA table as it is in effect, and where the value comes from."""

    kind: str
    kind_label: str
    kind_prefix: str
    grade: str
    grade_label: str
    hours: int
    escalate_every_hours: int
    default_hours: int
    overridden: bool


def effective_sla_table() -> list[SlaRow]:
    """Every kind x grade with its effective hours: a SlaRule row overrides the kind default."""
    rules = {(r.kind, r.grade): r for r in SlaRule.objects.all()}
    rows: list[SlaRow] = []
    for kind in sorted(all_kinds(), key=lambda k: k.name):
        for grade in kind.grades:
            default = kind.default_sla_hours.get(grade.value, 24 * 7)
            rule = rules.get((kind.name, grade.value))
            rows.append(
                SlaRow(
                    kind=kind.name,
                    kind_label=str(kind.label),
                    kind_prefix=kind.prefix,
                    grade=grade.value,
                    grade_label=str(grade.label),
                    hours=rule.hours if rule else default,
                    escalate_every_hours=(
                        rule.escalate_every_hours if rule else DEFAULT_ESCALATE_EVERY_HOURS
                    ),
                    default_hours=default,
                    overridden=rule is not None,
                )
            )
    return rows


def _check_hours(value: object, field: str, errors: dict[str, str]) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        errors[field] = _("请填写整数小时数。")
        return 0
    if not HOURS_MIN <= value <= HOURS_MAX:
        errors[field] = _("小时数必须在 %(min)d 到 %(max)d 之间。") % {
            "min": HOURS_MIN,
            "max": HOURS_MAX,
        }
    return value


@transaction.atomic
def do_set_sla_rule(
    kind: str, grade: str, hours: int, escalate_every_hours: int, *, actor: User
) -> SlaRule:
    """Set the hours a (kind, grade) may stay open once graded, and the escalation interval.

    Only deadlines set from now on change: a case already graded keeps the deadline it got.
    """
    if not actor.can(Cap.SLA_EDIT):
        raise NotPermitted("sla.edit")
    errors: dict[str, str] = {}
    try:
        case_kind = get_kind(kind)
    except LookupError:
        raise ValidationError({"kind": _("无效的案件类别。")}, code="invalid") from None
    if grade not in case_kind.grades.values:
        errors["grade"] = _("无效的等级。")
    hours = _check_hours(hours, "hours", errors)
    escalate_every_hours = _check_hours(escalate_every_hours, "escalate_every_hours", errors)
    if errors:
        raise ValidationError(errors, code="invalid")
    previous = SlaRule.objects.filter(kind=kind, grade=grade).first()
    rule, created = SlaRule.objects.update_or_create(
        kind=kind,
        grade=grade,
        defaults={"hours": hours, "escalate_every_hours": escalate_every_hours},
    )
    before = (
        {"hours": previous.hours, "escalate_every_hours": previous.escalate_every_hours}
        if previous
        else {
            "hours": case_kind.default_sla_hours.get(grade, 24 * 7),
            "escalate_every_hours": DEFAULT_ESCALATE_EVERY_HOURS,
            "default": True,
        }
    )
    record(
        actor,
        "sla.set",
        rule,
        detail={
            "kind": kind,
            "grade": grade,
            "hours": hours,
            "escalate_every_hours": escalate_every_hours,
            "before": before,
            "created": created,
        },
    )
    return rule
