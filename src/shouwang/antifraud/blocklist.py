"""The blocklist: indicators confirmed as used in fraud. Partners look values up and download
the part they act on; every export is audited."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from shouwang.antifraud.choices import IndicatorKind
from shouwang.antifraud.kind import FRAUD_KIND
from shouwang.antifraud.models import Indicator, ReportIndicator
from shouwang.antifraud.normalise import guess_kind, normalise
from shouwang.common.errors import NotPermitted
from shouwang.orgs.choices import OrganisationKind
from shouwang.orgs.roles import Cap

if TYPE_CHECKING:
    from shouwang.orgs.models import User

# The kinds each kind of partner acts on: a carrier blocks numbers, a bank freezes accounts.
PARTNER_KINDS: dict[str, tuple[str, ...]] = {
    OrganisationKind.CARRIER: (IndicatorKind.PHONE,),
    OrganisationKind.BANK: (IndicatorKind.BANK_CARD, IndicatorKind.BANK_ACCOUNT),
    OrganisationKind.PAYMENT: (IndicatorKind.ALIPAY, IndicatorKind.WECHAT_PAY),
    OrganisationKind.REGISTRAR: (IndicatorKind.DOMAIN, IndicatorKind.APP, IndicatorKind.SOCIAL),
}
MAX_REFERENCES = 20


@dataclass
class LookupResult:
    kind: str
    value: str
    known: bool
    confirmed: bool = False
    report_count: int = 0
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    confirmed_at: datetime | None = None
    references: list[str] = field(default_factory=list)


def kinds_for(user: User) -> tuple[str, ...]:
    if user.is_outside_party:
        org = user.organisation
        return PARTNER_KINDS.get(org.kind, ()) if org is not None else ()
    return tuple(IndicatorKind.values)


def lookup(user: User, value: str, kind: str | None = None) -> LookupResult:
    """Is this value known from reports, is it on the blocklist, and in which cases?"""
    if not user.can(Cap.BLOCKLIST_LOOKUP):
        raise NotPermitted("blocklist.lookup")
    kind = kind or guess_kind(value)
    if kind is None:
        raise ValidationError({"kind": _("无法判断线索类型,请指定类型。")})
    normalised = normalise(kind, value).value
    ind = (
        Indicator.objects.filter(kind=kind, value=normalised)
        .only("id", "report_count", "first_seen", "last_seen", "confirmed_at")
        .first()
    )
    if ind is None:
        return LookupResult(kind=kind, value=normalised, known=False)
    report_ids = (
        ReportIndicator.objects.filter(indicator_id=ind.pk)
        .order_by("-report_id")
        .values_list("report_id", flat=True)[:MAX_REFERENCES]
    )
    return LookupResult(
        kind=kind,
        value=normalised,
        known=True,
        confirmed=ind.confirmed_at is not None,
        report_count=ind.report_count,
        first_seen=ind.first_seen,
        last_seen=ind.last_seen,
        confirmed_at=ind.confirmed_at,
        references=[FRAUD_KIND.reference(pk) for pk in report_ids],
    )


def blocklist_for(user: User, kind: str | None = None) -> QuerySet[Indicator]:
    """The confirmed indicators a user may download: a partner gets the kinds it acts on."""
    if not user.can(Cap.BLOCKLIST_LOOKUP):
        return Indicator.objects.none()
    kinds = kinds_for(user)
    if kind:
        kinds = tuple(k for k in kinds if k == kind)
    return Indicator.objects.filter(confirmed_at__isnull=False, kind__in=kinds).order_by(
        "kind", "value"
    )


def iter_blocklist_csv(indicators: QuerySet[Indicator]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["kind", "value", "confirmed_at", "report_count"])
    yield buffer.getvalue()
    for ind in indicators.only("kind", "value", "confirmed_at", "report_count").iterator(5000):
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(
            [
                ind.kind,
                ind.value,
                ind.confirmed_at.isoformat() if ind.confirmed_at else "",
                ind.report_count,
            ]
        )
        yield buffer.getvalue()
