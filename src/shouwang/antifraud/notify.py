"""Who hears of partner requests: the desk that must answer (in minutes), and the people in
charge of the unit a late request is escalated to."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.urls import reverse

from shouwang.antifraud.choices import RequestType
from shouwang.antifraud.models import PartnerRequest
from shouwang.notices.actions import Message, do_notify, do_notify_many, do_settle
from shouwang.notices.choices import NoticeKind
from shouwang.notices.recipients import desks_of, in_charge_of
from shouwang.orgs.models import Unit
from shouwang.orgs.roles import Cap


def notify_desks(created: list[PartnerRequest], now: datetime) -> None:
    """Each request to its desk's officers, urgent for a freeze (money leaves in minutes); one
    notice per request, so answering it settles its notice."""
    by_org: dict[int, list[PartnerRequest]] = defaultdict(list)
    for req in created:
        if req.organisation_id is not None:  # no desk known: the centre sees it on the report
            by_org[req.organisation_id].append(req)
    if not by_org:
        return
    url = reverse("antifraud:desk")
    do_notify_many(
        [
            Message(
                user,
                NoticeKind.REQUESTS_NEW,
                {
                    "type": req.type,
                    "minutes": max(int((req.deadline - now).total_seconds() // 60), 0),
                },
                url,
                key=f"request:{req.pk}",
                urgent=req.type == RequestType.FREEZE,
            )
            for user in desks_of(set(by_org))
            for req in by_org[user.organisation_id]  # type: ignore[index]
        ]
    )


def notify_late(req: PartnerRequest, *, to: Unit, level: int) -> None:
    url = (
        reverse("antifraud:report-detail", args=[req.report_id])
        if req.report_id
        else reverse("antifraud:dashboard")
    )
    do_notify(
        in_charge_of(to, Cap.FRAUD_MANAGE),
        kind=NoticeKind.REQUEST_LATE,
        params={
            "organisation": req.organisation.name if req.organisation else "",
            "type": req.type,
        },
        url=url,
        key=f"request:{req.pk}:late:{level}",
        unit=to,
        urgent=req.type == RequestType.FREEZE,
    )


def settle_request(req: PartnerRequest) -> None:
    """Answered or cancelled: its notices (the desk's, the escalations') need nobody now."""
    do_settle(f"request:{req.pk}")
