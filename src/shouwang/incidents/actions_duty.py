"""A commander's decision on a station's duty level for a day."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shouwang.audit.log import record
from shouwang.common.errors import NotPermitted
from shouwang.incidents.choices import DutyLevel
from shouwang.incidents.duty import recommend_stations
from shouwang.incidents.models import DutyDecision
from shouwang.incidents.queries import stations_for_user
from shouwang.orgs.roles import Cap
from shouwang.orgs.scoping import user_covers_unit

if TYPE_CHECKING:
    from shouwang.orgs.models import Unit, User


def do_decide_duty(
    *, actor: User, station: Unit, day: date, level: str, reason: str = ""
) -> DutyDecision:
    """Accept the recommendation (`level` equal to it) or override it, which needs a reason.

    The recommendation is computed again here rather than taken from the form: what is stored
    and audited as "recommended" is what the system recommended, not what a page showed.
    """
    if not actor.can(Cap.DUTY_DECIDE) or actor.is_outside_party:
        raise NotPermitted("duty.decide")
    if not user_covers_unit(actor, station):
        raise ValidationError({"unit": _("该单位不在您的辖区内。")})
    if level not in DutyLevel.values:
        raise ValidationError({"level": _("无效的勤务等级。")})
    if day < timezone.localdate():
        raise ValidationError({"day": _("不能为过去的日期决定勤务等级。")})
    siblings = list(stations_for_user(actor).filter(parent_id=station.parent_id))
    if station not in siblings:
        raise ValidationError({"unit": _("只能为派出所决定勤务等级。")})
    (rec,) = [r for r in recommend_stations(actor, siblings, day) if r.station == station]
    accepted = level == rec.level
    if not accepted and not reason.strip():
        raise ValidationError({"reason": _("调整建议等级时必须说明理由。")})
    with transaction.atomic():
        decision = DutyDecision.objects.create(
            unit=station,
            day=day,
            recommended_level=rec.level,
            reasons=rec.reasons,
            level=level,
            accepted=accepted,
            reason=reason.strip(),
            decided_by=actor,
        )
        record(
            actor,
            "incident.duty.accept" if accepted else "incident.duty.override",
            decision,
            unit=station,
            detail={
                "day": day.isoformat(),
                "recommended": rec.level,
                "level": level,
                "reason": reason.strip()[:500],
            },
        )
    return decision
