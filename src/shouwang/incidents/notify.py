"""After an import, the stations whose last complete week is well above what their own history
and season predict (`alerts.py`) tell the commanders in charge of them (those who decide duty
levels), once per station and week."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from shouwang.incidents.alerts import SEASON_HALF_WIDTH, SEASON_YEARS, week_alert
from shouwang.incidents.models import Incident
from shouwang.incidents.periods import WEEK, period_start
from shouwang.incidents.trends import by_week, daily_by_station, first_by_station
from shouwang.notices.actions import Message, do_notify_many
from shouwang.notices.choices import NoticeKind
from shouwang.notices.recipients import in_charge_of
from shouwang.orgs.models import Unit
from shouwang.orgs.roles import Cap
from shouwang.orgs.tree import stations_over


def notify_week_alerts(units: Iterable[Unit], today: date | None = None) -> int:
    """Judge the last complete week of each station over ``units``; returns how many stations
    alert. It runs inside the import's write transaction, so however many stations there are
    the judging takes three statements (the stations, their day counts, their first incidents);
    an alerting station adds one, for the people in charge of it, and the notices a few."""
    over = {s.pk: s for s in stations_over(units).values()}
    stations = sorted(over.values(), key=lambda s: s.path)
    if not stations:
        return 0
    today = today or timezone.localdate()
    week = period_start(today, WEEK) - timedelta(weeks=1)
    since = week - timedelta(weeks=52 * SEASON_YEARS + SEASON_HALF_WIDTH)
    daily = daily_by_station(Incident.objects.all(), stations, since)
    first = first_by_station(Incident.objects.all(), stations)
    alerting = 0
    messages: list[Message] = []
    for station in stations:
        if station.pk not in first:
            continue
        alert = week_alert(
            by_week(daily[station.pk]), week, timezone.localtime(first[station.pk]).date()
        )
        if not alert.alert:
            continue
        alerting += 1
        url = f"{reverse('incidents:trends')}?unit={station.code}"
        messages += [
            Message(
                user,
                NoticeKind.INCIDENT_ALERT,
                {
                    "unit": station.name,
                    "week": week.isoformat(),
                    "count": alert.observed,
                    "expected": round(alert.expected or 0),
                },
                url,
                key=f"incident-alert:{station.code}:{week.isoformat()}",
                unit=station,
            )
            for user in in_charge_of(station, Cap.DUTY_DECIDE)
        ]
    do_notify_many(messages)
    return alerting
