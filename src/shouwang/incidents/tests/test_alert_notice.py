"""An import that makes a station's last week well above its own history tells the people in
charge of that station, once; the other station hears nothing."""

from __future__ import annotations

from datetime import date, timedelta

import time_machine

from shouwang.common.apitest import session_client
from shouwang.common.testing import POINT_A, Cast
from shouwang.notices.choices import NoticeKind
from shouwang.notices.models import Notice

from .factories import add_incidents

SPIKE_WEEK = date(2026, 4, 6)  # a Monday; on 2026-04-15 the last complete week


def _day(day: date, hours: range) -> list[tuple[str, str, float, float]]:
    return [(f"{day} {h:02d}:00", "入室盗窃", POINT_A[0], POINT_A[1]) for h in hours]


def test_a_week_well_above_the_stations_history_tells_its_chief(cast: Cast) -> None:
    history = [
        row
        for k in range(1, 11)
        for row in _day(SPIKE_WEEK - timedelta(weeks=k) + timedelta(days=1), range(8, 10))
    ]
    spike = [row for d in range(6) for row in _day(SPIKE_WEEK + timedelta(days=d), range(8, 10))]
    with time_machine.travel("2026-04-15 12:00 +08:00", tick=False):
        add_incidents(cast.alice, cast.station_a, history)
        assert not Notice.objects.exists()  # two a week, as ever: nothing to tell
        add_incidents(cast.alice, cast.station_a, spike, name="第二批")
        add_incidents(cast.alice, cast.station_a, _day(SPIKE_WEEK, range(20, 21)), name="第三批")
    told = Notice.objects.get(kind=NoticeKind.INCIDENT_ALERT)  # once, not once per import
    assert told.recipient == cast.alice
    assert (told.params["count"], told.params["expected"]) == (12, 2)  # when first told
    assert told.url == f"/incidents/trends/?unit={cast.station_a.code}"
    assert "明显高于预计" in session_client(cast.alice).get("/notices/").content.decode()
    assert not Notice.objects.filter(recipient=cast.charlie).exists()
