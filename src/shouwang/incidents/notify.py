"""After an import, the stations whose last complete week is well above what their own history
and season predict (`alerts.py`) tell the commanders in charge of them (those who decide duty
levels), once per station and week."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

from django.db.models import Count, Min
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone

from shouwang.incidents.alerts import SEASON_HALF_WIDTH, SEASON_YEARS, week_alert
from shouwang.incidents.filters import local_midnight
from shouwang.incidents.models import Incident
from shouwang.incidents.periods import WEEK, period_start
from shouwang.notices.actions import Message, do_notify_many
from shouwang.notices.choices import NoticeKind
from shouwang.notices.recipients import in_charge_of
from shouwang.orgs.choices import UnitKind
from shouwang.orgs.models import Unit
from shouwang.orgs.roles import Cap


def _stations_above(unit_ids: Iterable[int]) -> list[Unit]:
    paths = Unit.objects.filter(pk__in=set(unit_ids)).values_list("path", flat=True)
    codes = {c for path in paths for c in path.split("/") if c}
    return list(Unit.objects.filter(code__in=codes, kind=UnitKind.STATION).order_by("path"))


def notify_week_alerts(unit_ids: Iterable[int], today: date | None = None) -> int:
    """Judge the last complete week of each station above ``unit_ids``; returns how many
    stations alert."""
    today = today or timezone.localdate()
    week = period_start(today, WEEK) - timedelta(weeks=1)
    since = week - timedelta(weeks=52 * SEASON_YEARS + SEASON_HALF_WIDTH)
    alerting = 0
    messages: list[Message] = []
    for station in _stations_above(unit_ids):
        scoped = Incident.objects.filter(unit__path__startswith=station.path)
        first = scoped.aggregate(first=Min("occurred_at"))["first"]
        if first is None:
            continue
        weekly: dict[date, int] = defaultdict(int)
        days = (
            scoped.filter(occurred_at__gte=local_midnight(since))
            .annotate(day=TruncDate("occurred_at", tzinfo=timezone.get_current_timezone()))
            .values("day")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for row in days:
            weekly[period_start(row["day"], WEEK)] += row["n"]
        alert = week_alert(weekly, week, timezone.localtime(first).date())
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
