"""Trend reports of a unit: counts per period with 同比 and 环比, per child unit and category,
and the week's alert (see `alerts`). Counting happens in the database, per day; periods are
summed here. The per-station day counts that duty levels and the import's week alerts read
are here too."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import Count, Min, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from shouwang.incidents.alerts import SEASON_HALF_WIDTH, SEASON_YEARS, WeekAlert, week_alert
from shouwang.incidents.filters import IncidentFilter, local_midnight
from shouwang.incidents.models import Incident, IncidentCategory
from shouwang.incidents.periods import (
    WEEK,
    Comparison,
    compare,
    period_start,
    series,
    shift,
)
from shouwang.incidents.queries import incidents_for_user
from shouwang.orgs.choices import UnitKind
from shouwang.orgs.models import Unit
from shouwang.orgs.tree import deepest_of, under_any

if TYPE_CHECKING:
    from shouwang.orgs.models import User

CHART_PERIODS = {"week": 26, "month": 13}

type Daily = dict[date, int]


@dataclass(frozen=True)
class Row:
    """One child unit or one category of the report."""

    label: str
    code: str
    comparison: Comparison
    alert: WeekAlert | None = None


@dataclass(frozen=True)
class TrendReport:
    unit: Unit
    period: str
    comparison: Comparison
    alert: WeekAlert
    chart: list[tuple[date, int, int | None]]  # (period start, count, a year earlier)
    units: list[Row]
    categories: list[Row]


def last_complete(today: date, period: str) -> date:
    """The start of the last period that has ended by `today`."""
    return shift(period_start(today, period), period, -1)


def by_week(daily: Daily) -> dict[date, int]:
    """Daily counts summed per week (Monday -> count), as `week_alert` reads them."""
    weeks: dict[date, int] = defaultdict(int)
    for day, n in daily.items():
        weeks[period_start(day, WEEK)] += n
    return weeks


def daily_by_station(
    incidents: QuerySet[Incident], stations: Sequence[Unit], since: date, until: date | None = None
) -> dict[int, Daily]:
    """Each station's incidents per local day from `since` (up to `until`, if given), in one
    query grouped by unit whatever the number of stations; every station has an entry."""
    scoped = incidents.filter(
        under_any("unit__path", (s.path for s in stations)), occurred_at__gte=local_midnight(since)
    )
    if until is not None:
        scoped = scoped.filter(occurred_at__lt=local_midnight(until))
    rows = (
        scoped.annotate(day=TruncDate("occurred_at", tzinfo=timezone.get_current_timezone()))
        .values("day", "unit__path")
        .annotate(n=Count("pk"))
        .order_by()
    )
    station_of = deepest_of(stations)
    daily: dict[int, Daily] = {s.pk: defaultdict(int) for s in stations}
    for row in rows:
        if (station := station_of(row["unit__path"])) is not None:
            daily[station.pk][row["day"]] += row["n"]
    return daily


def first_by_station(
    incidents: QuerySet[Incident], stations: Sequence[Unit]
) -> dict[int, datetime]:
    """Each station's earliest incident ever, in one query grouped by unit; a station without
    incidents is absent."""
    rows = (
        incidents.filter(under_any("unit__path", (s.path for s in stations)))
        .values("unit__path")
        .annotate(first=Min("occurred_at"))
        .order_by()
    )
    station_of = deepest_of(stations)
    first: dict[int, datetime] = {}
    for row in rows:
        if (station := station_of(row["unit__path"])) is None:
            continue
        if station.pk not in first or row["first"] < first[station.pk]:
            first[station.pk] = row["first"]
    return first


def _scoped(user: User, flt: IncidentFilter, unit: Unit) -> QuerySet[Incident]:
    flt = flt.model_copy(update={"date_from": None, "date_to": None, "unit": ""})
    return flt.apply(incidents_for_user(user)).filter(unit__path__startswith=unit.path)


def trend_report(
    user: User, flt: IncidentFilter, unit: Unit, period: str, today: date | None = None
) -> TrendReport:
    today = today or timezone.localdate()
    current = last_complete(today, period)
    week = last_complete(today, WEEK)
    # Enough history for the week's seasonal reference and the chart's year-ago line.
    since = min(
        week - timedelta(weeks=52 * SEASON_YEARS + SEASON_HALF_WIDTH),
        shift(current, period, -CHART_PERIODS[period] - 13),
    )
    scoped = _scoped(user, flt, unit)
    first = scoped.aggregate(first=Min("occurred_at"))["first"]
    data_since = timezone.localtime(first).date() if first else today
    # The period holding the first incident counts as covered: data rarely starts on day one.
    covered = period_start(data_since, period)
    recent = scoped.filter(occurred_at__gte=local_midnight(since)).annotate(
        day=TruncDate("occurred_at", tzinfo=timezone.get_current_timezone())
    )
    children = list(Unit.objects.filter(parent=unit).exclude(kind=UnitKind.CENTRE).order_by("path"))
    by_child: dict[int, Daily] = {c.pk: defaultdict(int) for c in children}
    total: Daily = defaultdict(int)
    for row in recent.values("day", "unit__path").annotate(n=Count("pk")).order_by():
        total[row["day"]] += row["n"]
        for child in children:
            if row["unit__path"].startswith(child.path):
                by_child[child.pk][row["day"]] += row["n"]
                break
    by_category: dict[int, Daily] = defaultdict(lambda: defaultdict(int))
    for c_row in recent.values("day", "category_id").annotate(n=Count("pk")).order_by():
        by_category[c_row["category_id"]][c_row["day"]] += c_row["n"]
    categories = IncidentCategory.objects.in_bulk(list(by_category))

    def unit_row(child: Unit) -> Row:
        daily = by_child[child.pk]
        alert = week_alert(by_week(daily), week, data_since)
        return Row(child.name, child.code, compare(daily, current, period, covered), alert)

    points = series(total, current, period, CHART_PERIODS[period])
    year_ago = dict(
        series(total, shift(current, period, -52 if period == WEEK else -12), period, len(points))
    )
    back = 52 if period == WEEK else 12
    # Before the data begins there is no "a year earlier": a gap, not a zero.
    chart = [
        (
            s,
            n,
            year_ago.get(shift(s, period, -back), 0)
            if shift(s, period, -back) >= covered
            else None,
        )
        for s, n in points
    ]
    category_rows = sorted(
        (
            Row(
                categories[pk].label,
                categories[pk].code,
                compare(daily, current, period, covered),
            )
            for pk, daily in by_category.items()
            if pk in categories
        ),
        key=lambda r: (-r.comparison.count, r.code),
    )
    return TrendReport(
        unit=unit,
        period=period,
        comparison=compare(total, current, period, covered),
        alert=week_alert(by_week(total), week, data_since),
        chart=chart,
        units=[unit_row(c) for c in children],
        categories=[r for r in category_rows if r.comparison.count or r.comparison.previous],
    )
