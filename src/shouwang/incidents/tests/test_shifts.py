"""Forecasts for one 8-hour shift: the evening's hotspot is where the evenings' incidents were,
on local clocks (a band read in UTC would put 21:30 Beijing time in the day shift)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from shouwang.common.apitest import session_client, token_client
from shouwang.common.testing import POINT_A, Cast
from shouwang.incidents.filters import IncidentFilter
from shouwang.incidents.forecasting import make_forecast

from .factories import add_incidents

pytestmark = pytest.mark.django_db
# Two places 600 m apart inside station A: a night market and an office street.
EVENING = POINT_A
MORNING = (POINT_A[0] + 0.0054, POINT_A[1])
DAYS = 60


@pytest.fixture
def days(cast: Cast) -> Cast:
    today = timezone.localdate()
    rows = []
    for d in range(1, DAYS + 1):
        day = (today - timedelta(days=d)).isoformat()
        rows.append((f"{day} 21:30", "打架斗殴", *EVENING))
        if d % 2 == 0:
            rows.append((f"{day} 09:30", "入室盗窃", *MORNING))
    add_incidents(cast.alice, cast.station_a, rows)
    return cast


def top_place(cast: Cast, shift: int) -> tuple[float, float]:
    fc = make_forecast(cast.alice, IncidentFilter(), cast.station_a, cells="250", shift=shift)
    lon, lat = fc.prepared.ring(int(fc.top(1)[0]))[0]
    return lat, lon


def near(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return abs(a[0] - b[0]) < 0.004 and abs(a[1] - b[1]) < 0.004  # within ~400 m


def test_each_shift_flags_the_place_of_its_hours_and_expects_its_volume(days: Cast) -> None:
    assert near(top_place(days, 2), EVENING)  # 16-24
    assert near(top_place(days, 1), MORNING)  # 08-16
    evening = make_forecast(days.alice, IncidentFilter(), days.station_a, shift=2)
    morning = make_forecast(days.alice, IncidentFilter(), days.station_a, shift=1)
    night = make_forecast(days.alice, IncidentFilter(), days.station_a, shift=0)
    # The hour-of-week profile averages the weeks the records cover (9 here): one incident
    # every evening, so about one this evening; half that in the morning; none at night.
    assert evening.expected == pytest.approx(1.0, abs=0.2)
    assert morning.expected is not None and evening.expected is not None
    assert 0.3 < morning.expected < evening.expected
    assert night.expected == 0.0


def test_the_map_and_the_api_take_a_shift(days: Cast) -> None:
    page = session_client(days.alice).get("/incidents/map/?shift=2").content.decode()
    assert 'id="shift-note"' in page and 'option value="2" selected' in page
    cells = session_client(days.alice).get("/incidents/forecast.geojson?shift=2").json()
    assert cells["shift"] == 2 and cells["model"] == "shift"
    assert cells["expected_incidents"] == pytest.approx(1.0, abs=0.2)
    system = token_client(days.alice)
    api = system.get("/api/v1/incidents/forecast.geojson?shift=1").json()
    assert api["shift"] == 1 and api["features"]
    bad = session_client(days.alice).get("/incidents/map/?shift=5").content.decode()
    assert "参数“shift”的值“5”无效" in bad and 'id="shift-note"' not in bad
    assert system.get("/api/v1/incidents/forecast.geojson?shift=5").status_code == 422
