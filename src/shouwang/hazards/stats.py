"""Figures about the hazard register: a unit's dashboard and a campaign's progress.

Every function takes an already scoped queryset (or scopes through `hazards.queries`) and
computes with aggregate queries, so the same figures can serve the pages, the API and the
assessment of units. Counting rules, stated once:

- *found* in a period: hazards whose `found_at` falls in it (cancelled ones excluded: a
  cancellation means the registration was a mistake or a duplicate);
- *closed* in a period: hazards struck off (销号) with `closed_at` in it;
- *化解率*: of the hazards found in the period, the share now closed (a cohort, so it never
  exceeds 100%); the all-time rate is the same over every hazard ever found;
- *overdue now*: open hazards whose deadline has passed, whether or not the periodic scan has
  flagged them yet.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _

from shouwang.cases.choices import OPEN_STATES, CaseState
from shouwang.hazards.choices import CheckResult, HazardCategory, HazardGrade
from shouwang.hazards.models import Campaign, CampaignCheck, Hazard, Premises
from shouwang.hazards.queries import hazards_for_user, premises_for_user
from shouwang.orgs.tree import under_any

if TYPE_CHECKING:
    from shouwang.orgs.models import Unit, User

DEFAULT_WEEKS = 12
MAX_WEEKS = 104
_OTHER = 0  # bucket id for rows that fall under the parent itself rather than a child unit


def percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def period_start(weeks: int, now: datetime) -> datetime:
    """Monday 00:00 (local time) of the first of `weeks` ISO weeks ending with this one."""
    today = timezone.localtime(now).date()
    monday = today - timedelta(days=today.weekday() + 7 * (weeks - 1))
    return timezone.make_aware(datetime.combine(monday, time.min))


def _found(since: datetime) -> Q:
    return Q(found_at__gte=since) & ~Q(state=CaseState.CANCELLED)


def _closed(since: datetime) -> Q:
    return Q(state=CaseState.CLOSED, closed_at__gte=since)


def _open() -> Q:
    return Q(state__in=OPEN_STATES)


def _overdue(now: datetime) -> Q:
    return Q(state__in=OPEN_STATES, deadline__lt=now)


def _counts(since: datetime, now: datetime) -> dict[str, Count]:
    """The conditional counts every table of the dashboard is made of."""
    return {
        "found": Count("pk", filter=_found(since)),
        "found_closed": Count("pk", filter=_found(since) & Q(state=CaseState.CLOSED)),
        "closed": Count("pk", filter=_closed(since)),
        "open": Count("pk", filter=_open()),
        "overdue": Count("pk", filter=_overdue(now)),
    }


def bucket_by(path_field: str, units: Sequence[Unit]) -> Case:
    """An expression naming which of `units` (disjoint subtrees) a row's unit lies in."""
    whens = [When(**{f"{path_field}__startswith": u.path}, then=Value(u.pk)) for u in units]
    return Case(*whens, default=Value(_OTHER), output_field=IntegerField())


@dataclass(frozen=True)
class Totals:
    found: int
    closed: int
    open: int
    overdue: int
    found_closed: int
    rate: float | None
    found_all: int
    closed_all: int
    rate_all: float | None
    median_days: float | None


@dataclass(frozen=True)
class WeekPoint:
    label: str  # ISO week, e.g. 2026-W07
    monday: str
    found: int
    closed: int


@dataclass(frozen=True)
class BreakdownRow:
    key: str
    label: str
    found: int
    closed: int
    open: int

    @property
    def rate(self) -> float | None:
        return percent(self.closed, self.found)


@dataclass(frozen=True)
class UnitRow:
    unit: Unit | None  # None: hazards registered on the parent unit itself
    found: int
    found_closed: int
    closed: int
    open: int
    overdue: int

    @property
    def rate(self) -> float | None:
        return percent(self.found_closed, self.found)


@dataclass(frozen=True)
class Dashboard:
    unit: Unit
    weeks: int
    since: datetime
    now: datetime
    totals: Totals
    trend: list[WeekPoint]
    by_category: list[BreakdownRow]
    by_grade: list[BreakdownRow]
    children: list[UnitRow]


def median_days_to_close(hazards: QuerySet[Hazard], since: datetime) -> float | None:
    """Median days from found to closed over the hazards closed since `since`."""
    pairs = hazards.filter(_closed(since)).order_by().values_list("found_at", "closed_at")
    days = [(closed - found).total_seconds() / 86400 for found, closed in pairs if closed]
    return round(statistics.median(days), 1) if days else None


def totals(hazards: QuerySet[Hazard], since: datetime, now: datetime) -> Totals:
    row = hazards.order_by().aggregate(
        **_counts(since, now),
        found_all=Count("pk", filter=~Q(state=CaseState.CANCELLED)),
        closed_all=Count("pk", filter=Q(state=CaseState.CLOSED)),
    )
    return Totals(
        found=row["found"],
        closed=row["closed"],
        open=row["open"],
        overdue=row["overdue"],
        found_closed=row["found_closed"],
        rate=percent(row["found_closed"], row["found"]),
        found_all=row["found_all"],
        closed_all=row["closed_all"],
        rate_all=percent(row["closed_all"], row["found_all"]),
        median_days=median_days_to_close(hazards, since),
    )


def weekly_trend(hazards: QuerySet[Hazard], since: datetime, weeks: int) -> list[WeekPoint]:
    """Found and closed per ISO week, every week present (zero when nothing happened)."""
    tz = timezone.get_current_timezone()

    def per_week(date_field: str, q: Q) -> dict[Any, int]:
        rows = (
            hazards.filter(q)
            .order_by()
            .annotate(week=TruncWeek(date_field, tzinfo=tz))
            .values("week")
            .annotate(n=Count("pk"))
        )
        return {timezone.localtime(r["week"], tz).date(): r["n"] for r in rows}

    found = per_week("found_at", _found(since))
    closed = per_week("closed_at", _closed(since))
    first = timezone.localtime(since, tz).date()
    points = []
    for i in range(weeks):
        monday = first + timedelta(weeks=i)
        year, week, _day = monday.isocalendar()
        points.append(
            WeekPoint(
                label=f"{year}-W{week:02d}",
                monday=monday.isoformat(),
                found=found.get(monday, 0),
                closed=closed.get(monday, 0),
            )
        )
    return points


def breakdown(
    hazards: QuerySet[Hazard], field_name: str, labels: dict[str, str], since: datetime
) -> list[BreakdownRow]:
    """Hazards found in the period per value of `field_name`, with how many are closed."""
    rows = (
        hazards.filter(_found(since))
        .order_by()
        .values(field_name)
        .annotate(
            found=Count("pk"),
            closed=Count("pk", filter=Q(state=CaseState.CLOSED)),
            open=Count("pk", filter=_open()),
        )
    )
    result = [
        BreakdownRow(
            key=r[field_name],
            label=labels.get(r[field_name], r[field_name]),
            found=r["found"],
            closed=r["closed"],
            open=r["open"],
        )
        for r in rows
    ]
    order = list(labels)
    return sorted(result, key=lambda r: order.index(r.key) if r.key in order else len(order))


def child_rows(
    hazards: QuerySet[Hazard], unit: Unit, since: datetime, now: datetime
) -> list[UnitRow]:
    """One row per child unit (and one for the unit itself if it holds hazards directly),
    ranked by 化解率, then fewest overdue: the laggards sink to the bottom."""
    children = list(unit.children.all())
    by_pk = {c.pk: c for c in children}
    rows = (
        hazards.filter(unit__path__startswith=unit.path)
        .order_by()
        .annotate(bucket=bucket_by("unit__path", children))
        .values("bucket")
        .annotate(**_counts(since, now))
    )
    counted: dict[int, dict[str, Any]] = {r["bucket"]: dict(r) for r in rows}
    zero = dict.fromkeys(("found", "found_closed", "closed", "open", "overdue"), 0)
    result = []
    for key, child in [*by_pk.items(), (_OTHER, None)]:
        if key not in counted and child is None:
            continue
        r = counted.get(key, zero)
        result.append(
            UnitRow(
                unit=child,
                found=r["found"],
                found_closed=r["found_closed"],
                closed=r["closed"],
                open=r["open"],
                overdue=r["overdue"],
            )
        )

    def rank(row: UnitRow) -> tuple[int, float, int, str]:
        rate = row.rate
        return (rate is None, -(rate or 0.0), row.overdue, row.unit.path if row.unit else "")

    return sorted(result, key=rank)


def unit_dashboard(
    hazards: QuerySet[Hazard], unit: Unit, *, weeks: int, now: datetime | None = None
) -> Dashboard:
    """Everything on the unit dashboard; `hazards` must already be scoped to the viewer."""
    now = now or timezone.now()
    since = period_start(weeks, now)
    in_unit = hazards.filter(unit__path__startswith=unit.path)
    grade_labels = {"": _("未分级"), **{str(k): str(v) for k, v in HazardGrade.choices}}
    return Dashboard(
        unit=unit,
        weeks=weeks,
        since=since,
        now=now,
        totals=totals(in_unit, since, now),
        trend=weekly_trend(in_unit, since, weeks),
        by_category=breakdown(
            in_unit, "category", {str(k): str(v) for k, v in HazardCategory.choices}, since
        ),
        by_grade=breakdown(in_unit, "grade", grade_labels, since),
        children=child_rows(in_unit, unit, since, now),
    )


# --- campaigns -------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgressRow:
    unit: Unit | None
    premises: int
    checked: int
    hazards: int

    @property
    def rate(self) -> float | None:
        return percent(self.checked, self.premises)


@dataclass(frozen=True)
class CampaignProgress:
    campaign: Campaign
    premises: int
    checked: int
    results: list[tuple[str, str, int]]  # (result, label, count), every result present
    hazards: int
    hazards_open: int
    hazards_closed: int
    rows: list[ProgressRow] = field(default_factory=list)

    @property
    def rate(self) -> float | None:
        return percent(self.checked, self.premises)


def _scope_q(campaign: Campaign, path_field: str) -> Q:
    return under_any(path_field, campaign.scope_units.values_list("path", flat=True))


def premises_in_scope(campaign: Campaign, user: User) -> QuerySet[Premises]:
    """The premises of the campaign that `user` may see: inside a scope unit, of a listed
    type (any type when none is listed)."""
    qs = premises_for_user(user).filter(_scope_q(campaign, "unit__path"))
    if campaign.premises_types:
        qs = qs.filter(type__in=campaign.premises_types)
    return qs


def unchecked_premises(campaign: Campaign, user: User) -> QuerySet[Premises]:
    return (
        premises_in_scope(campaign, user)
        .exclude(checks__campaign=campaign)
        .select_related("unit")
        .order_by("unit__path", "name")
    )


def campaign_hazards(campaign: Campaign, user: User) -> QuerySet[Hazard]:
    return hazards_for_user(user).filter(campaign=campaign)


def _progress_units(campaign: Campaign) -> list[Unit]:
    # Rows per scope unit; a single scope unit is split into its children, which is where
    # a chief looks for the community or grid that lags.
    scope = list(campaign.scope_units.order_by("path"))
    if len(scope) == 1:
        children = list(scope[0].children.all())
        if children:
            return children
    return scope


def campaign_progress(campaign: Campaign, user: User) -> CampaignProgress:
    """Premises in scope, how many were checked, what was found, per unit: as `user` sees it."""
    premises = premises_in_scope(campaign, user)
    checks = CampaignCheck.objects.filter(campaign=campaign, premises__in=premises)
    hazards = campaign_hazards(campaign, user)
    units = _progress_units(campaign)
    by_pk = {u.pk: u for u in units}

    def grouped(qs: QuerySet[Any], path_field: str) -> dict[int, int]:
        rows = (
            qs.order_by()
            .annotate(bucket=bucket_by(path_field, units))
            .values("bucket")
            .annotate(n=Count("pk"))
        )
        return {r["bucket"]: r["n"] for r in rows}

    p_rows = grouped(premises, "unit__path")
    c_rows = grouped(checks, "premises__unit__path")
    h_rows = grouped(hazards, "unit__path")
    rows = [
        ProgressRow(
            unit=by_pk.get(key),
            premises=p_rows.get(key, 0),
            checked=c_rows.get(key, 0),
            hazards=h_rows.get(key, 0),
        )
        for key in [*by_pk, _OTHER]
        if key != _OTHER or p_rows.get(key) or h_rows.get(key)
    ]
    result_counts = dict(checks.order_by().values_list("result").annotate(n=Count("pk")))
    h_totals = hazards.order_by().aggregate(
        n=Count("pk"),
        open=Count("pk", filter=_open()),
        closed=Count("pk", filter=Q(state=CaseState.CLOSED)),
    )
    return CampaignProgress(
        campaign=campaign,
        premises=sum(p_rows.values()),
        checked=sum(c_rows.values()),
        results=[(str(k), str(v), result_counts.get(k, 0)) for k, v in CheckResult.choices],
        hazards=h_totals["n"],
        hazards_open=h_totals["open"],
        hazards_closed=h_totals["closed"],
        rows=rows,
    )
