"""Who hears of a case's assignment and escalation (notices; the bell, and SMS/e-mail by choice)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse

from shouwang.cases.choices import ENDED_STATES, CaseState
from shouwang.cases.kinds import get_kind
from shouwang.notices.actions import do_notify, do_settle
from shouwang.notices.choices import NoticeKind
from shouwang.notices.recipients import in_charge_of, staff_of

if TYPE_CHECKING:
    from datetime import datetime

    from shouwang.cases.models import Case
    from shouwang.orgs.models import Organisation, Unit, User


def _url(case: Case) -> str:
    kind = get_kind(case.kind)
    return reverse(kind.detail_url, args=[case.pk])


def _params(case: Case) -> dict[str, str]:
    return {"title": case.title[:120], "reference": get_kind(case.kind).reference(case.pk)}


def notify_assigned(
    case: Case,
    *,
    unit: Unit | None,
    user: User | None,
    organisation: Organisation | None,
    now: datetime,
) -> None:
    """The person it was handed to; else the outside party's staff who rectify; else the staff
    of the unit who can do the work (a grid's worker, a station's officers)."""
    kind = get_kind(case.kind)
    if user is not None:
        recipients = [user]
    elif organisation is not None:
        recipients = staff_of(organisation, kind.caps.get("rectify"))
    elif unit is not None and "rectify" in kind.caps:
        recipients = in_charge_of(unit, kind.caps["rectify"])
    else:
        return
    do_notify(
        recipients,
        kind=NoticeKind.CASE_ASSIGNED,
        params=_params(case),
        url=_url(case),
        key=f"case:{case.pk}:assigned:{now.isoformat()}",
        unit=case.unit,
    )


def notify_escalated(case: Case, *, to: Unit, level: int) -> None:
    kind = get_kind(case.kind)
    if "manage" not in kind.caps:
        return
    do_notify(
        in_charge_of(to, kind.caps["manage"]),
        kind=NoticeKind.CASE_OVERDUE,
        params=_params(case),
        url=_url(case),
        key=f"case:{case.pk}:overdue:{level}",
        unit=to,
    )


def settle_notices(case: Case, to_state: str) -> None:
    """Rectification handed in: the assignment notices are dealt with; the case ended: all of
    its notices are."""
    if to_state in ENDED_STATES:
        do_settle(f"case:{case.pk}")
    elif to_state == CaseState.SUBMITTED:
        do_settle(f"case:{case.pk}:assigned")
