"""Duty-level recommendations per station and day: the inputs gathered from the database and
the forecast engine, the rule applied (`duty_rules`).

A station's expected incidents for the day = the jurisdiction's mean incidents per day over
the last 28 days x the weekday's factor (that weekday's share of the past year's incidents,
times 7) x the station's share of the day's forecast risk. Its typical day = its own mean
incidents per day over the past 365 days (or since the first incident, when that is later).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from shouwang.incidents.alerts import week_alert
from shouwang.incidents.duty_rules import EventInfo, StationDay, recommend
from shouwang.incidents.filters import IncidentFilter
from shouwang.incidents.forecasting import NoArea, make_forecast, station_risk
from shouwang.incidents.models import DutyDecision, ScheduledEvent
from shouwang.incidents.periods import WEEK, period_start
from shouwang.incidents.queries import incidents_for_user
from shouwang.incidents.trends import by_week, daily_by_station
from shouwang.orgs.models import Unit

if TYPE_CHECKING:
    from shouwang.orgs.models import User

RECENT_DAYS = 28
YEAR_DAYS = 365
ALERT_HISTORY_DAYS = 3 * 365 + 21


@dataclass(frozen=True)
class Recommendation:
    station: Unit
    day: date
    level: str
    reasons: list[dict[str, Any]]
    inputs: StationDay
    decision: DutyDecision | None = None


def _events(stations: list[Unit], day: date) -> dict[int, list[EventInfo]]:
    """Planned events on `day` at a station, inside it, or over it (a city-wide holiday)."""
    events = list(
        ScheduledEvent.objects.filter(starts_on__lte=day, ends_on__gte=day).select_related("unit")
    )
    found: dict[int, list[EventInfo]] = defaultdict(list)
    for station in stations:
        for e in events:
            if e.unit.path.startswith(station.path) or station.path.startswith(e.unit.path):
                found[station.pk].append(EventInfo(e.name, e.expected_crowd))
    return found


def recommendations(user: User, top: Unit, stations: list[Unit], day: date) -> list[Recommendation]:
    """One recommendation per station for `day`, with the latest decision if any."""
    if not stations:
        return []
    today = min(day, timezone.localdate())
    daily = daily_by_station(
        incidents_for_user(user), stations, today - timedelta(days=ALERT_HISTORY_DAYS), today
    )
    year_start = today - timedelta(days=YEAR_DAYS)
    all_days: dict[date, int] = defaultdict(int)
    for counts in daily.values():
        for d, n in counts.items():
            if d >= year_start:
                all_days[d] += n
    year_total = sum(all_days.values())
    weekday_total = sum(n for d, n in all_days.items() if d.weekday() == day.weekday())
    weekday_factor = 7.0 * weekday_total / year_total if year_total else 1.0
    recent = sum(n for d, n in all_days.items() if d >= today - timedelta(days=RECENT_DAYS))
    try:
        risk = station_risk(make_forecast(user, IncidentFilter(), top, start=day, horizon_days=1))
    except NoArea:
        risk = {}
    risk_total = sum(risk.get(s.pk, 0.0) for s in stations)
    events = _events(stations, day)
    week = period_start(today, WEEK) - timedelta(weeks=1)
    first = min((d for counts in daily.values() for d in counts), default=today)
    # A station with less than a year of data: its typical day is over the days it has.
    typical_days = max(1, min(YEAR_DAYS, (today - max(first, year_start)).days))
    decided = {
        d.unit_id: d
        for d in DutyDecision.objects.filter(unit__in=stations, day=day)
        .select_related("decided_by")
        .order_by("decided_at", "pk")
    }
    found = []
    for s in stations:
        counts = daily[s.pk]
        alert = week_alert(by_week(counts), week, first)
        share = risk.get(s.pk, 0.0) / risk_total if risk_total > 0 else 0.0
        inputs = StationDay(
            expected=recent / RECENT_DAYS * weekday_factor * share,
            typical=sum(n for d, n in counts.items() if d >= year_start) / typical_days,
            events=events.get(s.pk, []),
            alert_observed=alert.observed if alert.alert else None,
            alert_upper=alert.upper if alert.alert else None,
        )
        level, reasons = recommend(inputs)
        found.append(Recommendation(s, day, level, reasons, inputs, decided.get(s.pk)))
    return found


def recommend_stations(user: User, stations: list[Unit], day: date) -> list[Recommendation]:
    """Recommendations for `stations`, each computed among the stations of its district that
    the user sees: the page and the decision action both come here, so a commander decides on
    the very recommendation the page showed."""
    groups: dict[int, list[Unit]] = defaultdict(list)
    for s in stations:
        groups[s.parent_id or s.pk].append(s)
    tops = Unit.objects.in_bulk(list(groups))
    found: list[Recommendation] = []
    for top_id, members in groups.items():
        found.extend(recommendations(user, tops[top_id], members, day))
    return sorted(found, key=lambda r: r.station.path)
