"""Rules belong to a unit: they apply to the events that unit's subtree receives, a
neighbouring city's centre neither triggers nor sees them, and the units below read them."""

import json
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from shouwang.antifraud.tests.factories import PHONE_1, PHONE_2
from shouwang.antifraud.warning.actions import (
    do_backtest_version,
    do_ingest_events,
    do_save_rule_version,
)
from shouwang.antifraud.warning.events import parse_events
from shouwang.antifraud.warning.models import BlockProposal, WarningRule
from shouwang.antifraud.warning.queries import rule_editable_by, rules_for_user
from shouwang.antifraud.warning.tests.helpers import BURST_EVENTS, BURST_RULE, T0, switched_on
from shouwang.common.apitest import session_client
from shouwang.common.testing import PASSWORD, Cast
from shouwang.orgs.actions import do_create_unit, do_create_user
from shouwang.orgs.choices import Role, UnitKind
from shouwang.orgs.models import User

pytestmark = pytest.mark.django_db


def _other_city_analyst() -> User:
    city = do_create_unit(code="990200", name="邻市", kind=UnitKind.CITY, parent=None, actor=None)
    return do_create_user(
        username="olga", password=PASSWORD, role=Role.FRAUD_ANALYST, unit=city, actor=None
    )


def _ingest(actor: User, events: list[dict[str, object]], **kw: object) -> list[str]:
    result = do_ingest_events(parse_events(events), source="test", actor=actor, **kw)  # type: ignore[arg-type]
    return sorted(p.value for p in result.proposals)


def test_a_centres_rules_do_not_fire_on_a_neighbouring_citys_feed(cast: Cast) -> None:
    switched_on(cast, "burst", BURST_RULE)
    olga = _other_city_analyst()
    assert _ingest(olga, BURST_EVENTS) == []
    assert _ingest(cast.ivan, BURST_EVENTS) == [PHONE_1, PHONE_2]


def test_windows_do_not_count_a_neighbouring_citys_events(cast: Cast) -> None:
    switched_on(cast, "burst", BURST_RULE)
    olga = _other_city_analyst()
    _ingest(olga, BURST_EVENTS[:4])  # PHONE_1's first two callees, in the other city
    # In this city PHONE_1 reaches only 2 distinct callees in the window: no warning, where
    # one stream of both cities' events would have counted 4.
    assert _ingest(cast.ivan, BURST_EVENTS[4:6]) == []


def test_a_city_rule_applies_to_a_stations_feed_below_it(cast: Cast) -> None:
    switched_on(cast, "burst", BURST_RULE)
    assert _ingest(cast.alice, BURST_EVENTS, unit=cast.station_a) == [PHONE_1, PHONE_2]
    assert set(BlockProposal.objects.values_list("unit", flat=True)) == {cast.station_a.pk}


def test_a_backtest_replays_only_the_rule_units_events(cast: Cast) -> None:
    version = switched_on(cast, "burst", BURST_RULE)
    _ingest(_other_city_analyst(), BURST_EVENTS)
    window = {"since": T0 - timedelta(hours=1), "until": T0 + timedelta(hours=1)}
    run = do_backtest_version(version, actor=cast.ivan, **window)
    assert (run.events, run.warnings) == (0, 0)
    _ingest(cast.ivan, BURST_EVENTS)
    run = do_backtest_version(version, actor=cast.ivan, **window)
    assert (run.events, run.warnings) == (len(BURST_EVENTS), 2)


def test_two_centres_may_use_the_same_rule_id(cast: Cast) -> None:
    ours = do_save_rule_version(BURST_RULE, rule_id="burst", actor=cast.ivan)
    theirs = do_save_rule_version(BURST_RULE, rule_id="burst", actor=_other_city_analyst())
    assert (ours.version, theirs.version) == (1, 1)
    assert ours.rule != theirs.rule
    assert WarningRule.objects.filter(rule_id="burst").count() == 2


def test_a_new_rule_may_not_take_an_id_its_unit_already_uses(cast: Cast) -> None:
    do_save_rule_version(BURST_RULE, rule_id="burst", actor=cast.ivan, new=True)
    with pytest.raises(ValidationError) as caught:
        do_save_rule_version(BURST_RULE, rule_id="burst", actor=cast.ivan, new=True)
    assert "id" in caught.value.message_dict
    page = session_client(cast.ivan).post(
        "/antifraud/warnings/rules/new/",
        {"rule_id": "burst", "fraud_type": "other", "definition": "{}"},
    )
    assert page.status_code == 422
    assert WarningRule.objects.get().versions.count() == 1


def test_a_station_chief_reads_the_city_rules_but_cannot_change_them(cast: Cast) -> None:
    version = switched_on(cast, "burst", BURST_RULE)
    theirs = do_save_rule_version(BURST_RULE, rule_id="theirs", actor=_other_city_analyst())
    chief = session_client(cast.alice)
    listing = chief.get("/antifraud/warnings/rules/").content.decode()
    assert "burst" in listing and "theirs" not in listing
    detail = chief.get(f"/antifraud/warnings/rules/{version.rule_id}/")
    assert detail.status_code == 200
    assert 'name="action"' not in detail.content.decode()
    # The definition reads as the JSON the editor takes, not as Python's repr.
    assert "&quot;cooldown_minutes&quot;: 60" in detail.content.decode()
    assert chief.get(f"/antifraud/warnings/rules/{theirs.rule_id}/").status_code == 404
    assert (
        session_client(cast.ivan).get(f"/antifraud/warnings/rules/{theirs.rule_id}/").status_code
        == 404
    )


def test_an_analyst_below_cannot_edit_a_rule_from_above(cast: Cast) -> None:
    version = switched_on(cast, "burst", BURST_RULE)
    below = do_create_user(
        username="pete", password=PASSWORD, role=Role.FRAUD_ANALYST, unit=cast.station_a, actor=None
    )
    client = session_client(below)
    assert client.get(f"/antifraud/warnings/rules/{version.rule_id}/").status_code == 200
    assert client.get(f"/antifraud/warnings/rules/{version.rule_id}/edit/").status_code == 404
    answer = client.post(f"/antifraud/warnings/versions/{version.pk}/", {"action": "deactivate"})
    assert answer.status_code == 404
    version.rule.refresh_from_db()
    assert version.rule.is_active
    # A rule of the same id at the station is the station's own.
    own = do_save_rule_version(BURST_RULE, rule_id="burst", actor=below)
    assert own.rule.unit == cast.station_a and own.rule != version.rule


def test_event_file_rows_are_counted_as_a_spreadsheet_shows_them() -> None:
    from shouwang.antifraud.warning.events import read_event_file

    text = (
        "type,time,src,dst,name\r\n"  # spreadsheet row 1: the header
        "\r\n"  # row 2, blank: data row 1
        'call,2026-01-05T10:00:00+08:00,13700000001,13900000001,"王\r\n小明"\r\n'  # data row 2
        "call,not-a-time,13700000001,13900000002,\r\n"  # row 4: data row 3
    )
    with pytest.raises(ValidationError) as raised:
        read_event_file("feed.csv", text.encode())
    assert set(raised.value.message_dict) == {"row.3.time"}
    jsonl = '{"type": "call", "time": "2026-01-05T10:00:00+08:00", "name": "a\u2028b"}\n{bad\n'
    with pytest.raises(ValidationError) as raised:
        read_event_file("feed.jsonl", jsonl.encode())
    assert set(raised.value.message_dict) == {"row.2"}


def _new_rule(client_user: User, **fields: str) -> int:
    page = session_client(client_user).post(
        "/antifraud/warnings/rules/new/",
        {"rule_id": "burst", "fraud_type": "other", "definition": json.dumps(BURST_RULE), **fields},
    )
    return int(page.status_code)


def test_the_rule_page_puts_a_new_rule_in_the_unit_picked(cast: Cast) -> None:
    form = session_client(cast.ivan).get("/antifraud/warnings/rules/new/").content.decode()
    assert f'<option value="{cast.station_a.code}"' in form
    assert _new_rule(cast.ivan, unit=cast.station_a.code) == 302
    rule = WarningRule.objects.get()
    assert rule.unit == cast.station_a
    # It is the station's rule: its chief reads it, the neighbouring station's does not.
    assert rule in rules_for_user(cast.alice)
    assert rule not in rules_for_user(cast.charlie)
    assert rule_editable_by(cast.ivan, rule)


@pytest.mark.parametrize("who", ["ivan", "admin"])
def test_a_new_rule_outside_the_jurisdiction_or_without_a_unit_is_refused(
    cast: Cast, who: str
) -> None:
    user = getattr(cast, who)
    neighbour = _other_city_analyst().unit
    assert neighbour is not None
    assert _new_rule(user, unit=neighbour.code) in ((422,) if who == "ivan" else (302,))
    WarningRule.objects.all().delete()
    # The administrator covers every unit but belongs to none: a rule needs one picked.
    assert _new_rule(user, unit="") == 422
    assert _new_rule(user, unit="nosuchunit") == 422
    assert not WarningRule.objects.exists()
