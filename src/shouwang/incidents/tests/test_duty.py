"""Duty levels: the rule, the recommendation from forecast and events, the audited decision."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import translation

from shouwang.audit.models import AuditEvent
from shouwang.common.errors import NotPermitted
from shouwang.common.testing import POINT_A, Cast
from shouwang.incidents.actions import do_create_scheduled_event
from shouwang.incidents.actions_duty import do_decide_duty
from shouwang.incidents.choices import EventKind
from shouwang.incidents.duty import recommend_stations
from shouwang.incidents.duty_rules import EventInfo, StationDay, recommend
from shouwang.incidents.models import DutyDecision
from shouwang.incidents.views.duty import EventForm

from .factories import add_incidents

TODAY = date(2026, 5, 20)
TOMORROW = TODAY + timedelta(days=1)


@pytest.fixture
def frozen():
    with time_machine.travel("2026-05-20 10:00 +08:00", tick=False):
        yield


def test_the_rule() -> None:
    assert recommend(StationDay(expected=1.0, typical=1.0))[0] == "3"
    assert recommend(StationDay(expected=1.25, typical=1.0))[0] == "2"
    level, reasons = recommend(StationDay(expected=1.6, typical=1.0))
    assert level == "1" and reasons[0]["code"] == "risk" and reasons[0]["ratio"] == 1.6
    assert recommend(StationDay(1.0, 1.0, [EventInfo("庙会", 3000)]))[0] == "2"
    assert recommend(StationDay(1.0, 1.0, [EventInfo("马拉松", 30000)]))[0] == "1"
    level, reasons = recommend(StationDay(1.0, 1.0, alert_observed=12, alert_upper=8.0))
    assert level == "2" and [r["code"] for r in reasons] == ["alert"]
    assert recommend(StationDay(0.0, 0.0))[1][0]["code"] == "normal"


def _some_history(cast: Cast) -> None:
    rows = [
        ((TODAY - timedelta(days=d)).isoformat() + " 10:00", "入室盗窃", *POINT_A)
        for d in range(1, 60, 3)
    ]
    add_incidents(cast.alice, cast.station_a, rows)


def test_a_large_event_makes_it_level_one_with_the_reason(cast: Cast, frozen: None) -> None:
    _some_history(cast)
    do_create_scheduled_event(
        actor=cast.alice,
        name="城市马拉松",
        kind=EventKind.SPORTS,
        unit=cast.station_a,
        starts_on=TOMORROW,
        ends_on=TOMORROW,
        expected_crowd=30000,
    )
    (rec,) = recommend_stations(cast.alice, [cast.station_a], TOMORROW)
    assert rec.level == "1"
    assert rec.reasons[0] == {"code": "event", "name": "城市马拉松", "crowd": 30000}
    (other_day,) = recommend_stations(cast.alice, [cast.station_a], TOMORROW + timedelta(days=1))
    assert all(r["code"] != "event" for r in other_day.reasons)
    # 20 incidents since the first, 58 days before today.
    assert rec.inputs.typical == pytest.approx(20 / 58)


def test_a_city_wide_event_reaches_every_station(cast: Cast, frozen: None) -> None:
    do_create_scheduled_event(
        actor=cast.admin,
        name="国庆",
        kind=EventKind.HOLIDAY,
        unit=cast.city,
        starts_on=TODAY,
        ends_on=TOMORROW,
    )
    recs = recommend_stations(cast.admin, [cast.station_a, cast.station_b], TOMORROW)
    assert [r.level for r in recs] == ["2", "2"]


def test_a_commander_accepts_or_overrides_with_a_reason_audited(cast: Cast, frozen: None) -> None:
    _some_history(cast)
    (rec,) = recommend_stations(cast.alice, [cast.station_a], TOMORROW)
    accepted = do_decide_duty(
        actor=cast.alice, station=cast.station_a, day=TOMORROW, level=rec.level
    )
    assert accepted.accepted and accepted.recommended_level == rec.level
    assert accepted.reasons == rec.reasons
    other = "1" if rec.level != "1" else "3"
    with pytest.raises(ValidationError) as caught:
        do_decide_duty(actor=cast.alice, station=cast.station_a, day=TOMORROW, level=other)
    assert "reason" in caught.value.message_dict
    overridden = do_decide_duty(
        actor=cast.alice, station=cast.station_a, day=TOMORROW, level=other, reason="上级通知加强"
    )
    assert not overridden.accepted and overridden.level == other
    audit = list(
        AuditEvent.objects.filter(action__startswith="incident.duty")
        .order_by("pk")
        .values("action", "object_id", "detail")
    )
    assert [a["action"] for a in audit] == ["incident.duty.accept", "incident.duty.override"]
    assert audit[1]["detail"] == {
        "day": TOMORROW.isoformat(),
        "recommended": rec.level,
        "level": other,
        "reason": "上级通知加强",
    }
    (latest,) = recommend_stations(cast.alice, [cast.station_a], TOMORROW)
    assert latest.decision == overridden  # the latest decision stands; all are kept
    assert DutyDecision.objects.count() == 2


def test_only_commanders_of_the_station_decide(cast: Cast, frozen: None) -> None:
    with pytest.raises(NotPermitted):
        do_decide_duty(actor=cast.bob, station=cast.station_a, day=TOMORROW, level="3")
    with pytest.raises(ValidationError):
        do_decide_duty(actor=cast.charlie, station=cast.station_a, day=TOMORROW, level="3")
    with pytest.raises(ValidationError):
        do_decide_duty(actor=cast.alice, station=cast.grid_a, day=TOMORROW, level="3")
    with pytest.raises(ValidationError):
        do_decide_duty(
            actor=cast.alice, station=cast.station_a, day=TODAY - timedelta(days=1), level="3"
        )
    assert not DutyDecision.objects.exists()


def test_the_event_form_writes_dates_the_browser_reads_in_chinese() -> None:
    """An <input type="date"> ignores 2026/03/04, the Chinese input format."""
    form = EventForm(initial={"starts_on": date(2026, 3, 4), "ends_on": date(2026, 3, 5)})
    with translation.override("zh-hans"):
        assert 'value="2026-03-04"' in str(form["starts_on"])
        assert 'value="2026-03-05"' in str(form["ends_on"])
