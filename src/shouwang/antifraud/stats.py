"""The centre's figures: what the dashboard and the report page show. Computed in the database
over the user's scope; medians in Python over at most one day's or period's rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from statistics import median
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from shouwang.antifraud.choices import FraudType, RequestState
from shouwang.antifraud.models import FraudReport, PartnerRequest
from shouwang.antifraud.queries import reports_for_user, requests_for_user
from shouwang.orgs.models import Unit
from shouwang.orgs.tree import stations_over

if TYPE_CHECKING:
    from shouwang.orgs.models import User


def stop_loss_rate(loss: Decimal, frozen: Decimal) -> float | None:
    """止损率: the share of the money lost that was frozen, in percent (None without a loss)."""
    if loss <= 0:
        return None
    return round(float(min(frozen, loss) / loss) * 100, 1)


def frozen_of(report: FraudReport) -> Decimal:
    total = report.requests.filter(state=RequestState.DONE).aggregate(s=Sum("amount_frozen"))["s"]
    return total or Decimal(0)


@dataclass
class Row:
    label: str
    reports: int
    loss: Decimal
    frozen: Decimal

    @property
    def rate(self) -> float | None:
        return stop_loss_rate(self.loss, self.frozen)


@dataclass
class Dashboard:
    since: datetime
    reports_today: int
    reports_period: int
    pending_public: int
    requests_open: int
    requests_late: int
    median_report_to_request_s: float | None
    median_request_to_answer_min: float | None
    loss: Decimal
    frozen: Decimal
    by_type: list[Row] = field(default_factory=list)
    by_unit: list[Row] = field(default_factory=list)

    @property
    def rate(self) -> float | None:
        return stop_loss_rate(self.loss, self.frozen)


def _frozen_by(requests: object, key: str) -> dict[object, Decimal]:
    rows = (
        requests.filter(state=RequestState.DONE)  # type: ignore[attr-defined]
        .values(key)
        .annotate(s=Sum("amount_frozen"))
    )
    return {r[key]: r["s"] or Decimal(0) for r in rows}


def _by_station(period: QuerySet[FraudReport], period_requests: object) -> list[Row]:
    """The period's reports by police station: a report registered at a grid or community
    (an "already lost" warning sits at the person's grid) counts for the station above it, so
    the table ranks stations; a report above station level keeps its own unit. Units are told
    apart by id, not name (two communities may share a name)."""
    rows = period.values("unit_id").annotate(n=Count("pk"), loss=Sum("loss_amount"))
    frozen = _frozen_by(period_requests, "report__unit_id")
    units = Unit.objects.in_bulk([r["unit_id"] for r in rows])
    stations = stations_over(units.values())
    totals: dict[int, Row] = {}
    for r in rows:
        owner = stations.get(r["unit_id"], units[r["unit_id"]])
        row = totals.setdefault(owner.pk, Row(owner.name, 0, Decimal(0), Decimal(0)))
        row.reports += r["n"]
        row.loss += r["loss"] or Decimal(0)
        row.frozen += frozen.get(r["unit_id"], Decimal(0))
    return sorted(totals.values(), key=lambda row: (-row.reports, row.label))[:30]


def dashboard(user: User, days: int = 30, now: datetime | None = None) -> Dashboard:
    now = now or timezone.now()
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    since = today - timedelta(days=days - 1)
    reports = reports_for_user(user)
    period = reports.filter(created_at__gte=since)
    requests = requests_for_user(user)
    period_requests = requests.filter(report__created_at__gte=since)
    sent = list(
        period.filter(requests_sent_at__isnull=False)
        .order_by()
        .values_list("created_at", "accepted_at", "requests_sent_at")[:20000]
    )
    # For a public report the clock starts when the centre accepts it.
    to_request: list[float] = []
    for created, accepted, requested in sent:
        start = accepted or created
        if requested is None or start is None or start > requested:
            continue
        to_request.append((requested - start).total_seconds())
    answered = list(
        period_requests.filter(answered_at__isnull=False)
        .order_by()
        .values_list("created_at", "answered_at")[:20000]
    )
    to_answer = [(a - c).total_seconds() / 60 for c, a in answered if a is not None]
    totals = period.aggregate(loss=Sum("loss_amount"), n=Count("pk"))
    frozen_total = period_requests.filter(state=RequestState.DONE).aggregate(
        s=Sum("amount_frozen")
    )["s"] or Decimal(0)
    type_rows = period.values("fraud_type").annotate(n=Count("pk"), loss=Sum("loss_amount"))
    frozen_by_type = _frozen_by(period_requests, "report__fraud_type")
    by_type = sorted(
        (
            Row(
                str(FraudType(r["fraud_type"]).label),
                r["n"],
                r["loss"] or Decimal(0),
                frozen_by_type.get(r["fraud_type"], Decimal(0)),
            )
            for r in type_rows
        ),
        key=lambda row: (-row.reports, row.label),
    )
    by_unit = _by_station(period, period_requests)
    open_requests = requests.filter(state=RequestState.SENT)
    return Dashboard(
        since=since,
        reports_today=reports.filter(created_at__gte=today).count(),
        reports_period=totals["n"] or 0,
        pending_public=reports.filter(accepted_at__isnull=True).count(),
        requests_open=open_requests.count(),
        requests_late=open_requests.filter(Q(is_late=True) | Q(deadline__lt=now)).count(),
        median_report_to_request_s=round(median(to_request), 2) if to_request else None,
        median_request_to_answer_min=round(median(to_answer), 1) if to_answer else None,
        loss=totals["loss"] or Decimal(0),
        frozen=frozen_total,
        by_type=by_type,
        by_unit=by_unit,
    )


def request_counts(requests: object) -> dict[str, int]:
    rows = requests.values("state").annotate(n=Count("pk"))  # type: ignore[attr-defined]
    return {r["state"]: r["n"] for r in rows}


__all__ = ["Dashboard", "PartnerRequest", "dashboard", "frozen_of", "stop_loss_rate"]
