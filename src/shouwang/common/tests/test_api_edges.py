"""Inputs at the edges, found by the API fuzz test and kept here as plain cases: each was a
server error, an HTML answer from the JSON API, or a wrong value read without a word."""

import pytest

from shouwang.antifraud.tests.factories import CARD_1
from shouwang.common.apitest import session_client, token_client
from shouwang.common.testing import Cast

pytestmark = pytest.mark.django_db

HUGE = "36907803538734175038906302464"  # past 2^63: SQLite's driver cannot take it


def test_an_id_past_the_database_s_range_is_not_found(cast: Cast) -> None:
    # A hazard is a case (multi-table): Django's guard for integer lookups did not cover its
    # parent link, and the page and the API answered 500.
    assert session_client(cast.alice).get(f"/hazards/{HUGE}/").status_code == 404
    reply = token_client(cast.alice).get(f"/api/v1/hazards/{HUGE}")
    assert (reply.status_code, reply.json()) == (404, {"detail": "未找到。"})
    assert session_client(cast.ivan).get(f"/antifraud/reports/{HUGE}/").status_code == 404


def test_the_api_answers_json_for_addresses_it_does_not_have(cast: Cast) -> None:
    client = token_client(cast.ivan)
    for path in ("/api/v1/antifraud/reports/null,null", "/api/v1/nothing/here", "/api/v1/a%0Ab"):
        reply = client.get(path)
        assert reply.status_code == 404 and reply["Content-Type"].startswith("application/json")
    # a POST too: before, the pages' CSRF check answered it with an HTML 403
    reply = client.post("/api/v1/antifraud/reports/x/close", "{}", content_type="application/json")
    assert reply.status_code == 404 and reply["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("value", ["0", "20261124", "0001-01-01", "9999-12-31"])
def test_a_date_filter_takes_only_an_iso_date_of_a_plausible_year(cast: Cast, value: str) -> None:
    # "0" was read as 1970-01-01 (seconds since the epoch); year 1 overflowed into a 500.
    for path, name in (
        ("/api/v1/antifraud/reports", "reported_from"),
        ("/api/v1/hazards/", "found_to"),
        ("/api/v1/incidents/", "date_to"),
    ):
        reply = token_client(cast.ivan, name).get(path, {name: value})
        assert reply.status_code == 422, (path, value)
        assert list(reply.json()["detail"]) == [name]


def test_an_empty_date_filter_means_no_limit(cast: Cast) -> None:
    reply = token_client(cast.ivan).get("/api/v1/incidents/", {"date_to": "", "date_from": ""})
    assert reply.status_code == 200


def test_a_body_that_is_not_json_is_a_documented_400(cast: Cast) -> None:
    reply = token_client(cast.ivan).post(
        "/api/v1/antifraud/warnings/events", "{not json", content_type="application/json"
    )
    assert reply.status_code == 400 and "detail" in reply.json()


def test_paging_past_any_table_is_refused(cast: Cast) -> None:
    reply = token_client(cast.ivan).get("/api/v1/incidents/", {"offset": 10**30})
    assert (reply.status_code, list(reply.json()["detail"])) == (422, ["offset"])


def test_a_foreign_key_past_the_database_s_range_matches_nothing(cast: Cast) -> None:
    client = token_client(cast.ivan)
    reply = client.get("/api/v1/antifraud/requests", {"report": HUGE, "organisation": "-" + HUGE})
    assert reply.status_code == 200 and reply.json()["items"] == []
    report = {
        "fraud_type": "fake_authority",
        "occurred_at": "2026-11-23T09:30:00+08:00",
        "loss_amount": "1000",
        "victim_phone": "13800001111",
        "indicators": [{"kind": "bank_card", "value": CARD_1, "institution": HUGE}],
    }
    reply = client.post("/api/v1/antifraud/reports", report, content_type="application/json")
    assert reply.status_code == 422
    assert "indicators.0.institution" in reply.json()["detail"]


def test_a_nul_character_anywhere_in_the_text_is_refused(cast: Cast) -> None:
    # PostgreSQL cannot compare text with NUL: these were server errors there.
    client = token_client(cast.ivan)
    for path, query in (
        ("/api/v1/antifraud/warnings/proposals", {"state": "7\x00"}),
        ("/api/v1/incidents/trends", {"category": "a\x00"}),
        ("/api/v1/antifraud/reports", {"unit": "C\x00"}),
    ):
        reply = client.get(path, query)
        assert reply.status_code == 400 and "detail" in reply.json()
    body = '{"events": [{"type": "call", "time": "2026-11-24T09:00:00+08:00", "src": "1\\u0000"}]}'
    reply = client.post("/api/v1/antifraud/warnings/events", body, content_type="application/json")
    assert reply.status_code == 400
    escaped = body.replace("\\u0000", "\\\\u0000")  # an escaped backslash, then text: no NUL
    reply = client.post(
        "/api/v1/antifraud/warnings/events", escaped, content_type="application/json"
    )
    assert reply.status_code != 400
    page = session_client(cast.alice).get("/hazards/", {"q": "x\x00"})
    assert page.status_code == 400
    form = session_client(cast.alice).post("/hazards/new/", {"title": "x\x00"})
    assert form.status_code == 400


def test_times_of_year_one_are_refused_where_pages_and_files_read_them(cast: Cast) -> None:
    # Each overflowed into a server error when turned into UTC or a local midnight.
    chief = session_client(cast.alice)
    assert chief.get("/incidents/duty/", {"day": "0001-01-01"}).status_code == 200
    assert chief.get("/incidents/patrol/", {"start": "0001-01-01"}).status_code in (200, 400)
    assert chief.get("/incidents/map/", {"start": "9999-12-31"}).status_code in (200, 400)
    client = token_client(cast.ivan)
    event = {"type": "call", "time": "0001-01-01T00:00:00+08:00", "src": "1", "dst": "2"}
    reply = client.post(
        "/api/v1/antifraud/warnings/events", {"events": [event]}, content_type="application/json"
    )
    assert (reply.status_code, list(reply.json()["detail"])) == (422, ["events.0.time"])
    report = {
        "fraud_type": "fake_authority",
        "occurred_at": "0001-01-01T00:00:00+08:00",
        "loss_amount": "1000",
        "victim_phone": "13800001111",
    }
    reply = client.post("/api/v1/antifraud/reports", report, content_type="application/json")
    assert reply.status_code == 422 and "occurred_at" in reply.json()["detail"]


def test_a_time_without_an_offset_is_read_in_the_server_s_time_zone() -> None:
    from datetime import datetime, timedelta, timezone

    from pydantic import TypeAdapter

    from shouwang.common.params import IsoDateTime

    read = TypeAdapter(IsoDateTime).validate_python
    shanghai = timezone(timedelta(hours=8))
    assert read("2026-11-24T09:30:00") == datetime(2026, 11, 24, 9, 30, tzinfo=shanghai)
    assert read("2026-11-24T09:30:00+00:00").utcoffset() == timedelta(0)  # an offset is kept


def test_a_backtest_of_a_day_that_does_not_exist_is_refused(cast: Cast) -> None:
    from shouwang.antifraud.warning.actions import do_save_rule_version
    from shouwang.antifraud.warning.models import Backtest
    from shouwang.antifraud.warning.tests.helpers import BURST_RULE

    version = do_save_rule_version(BURST_RULE, rule_id="burst", actor=cast.ivan)
    page = session_client(cast.ivan).post(
        f"/antifraud/warnings/versions/{version.pk}/",
        {"action": "backtest", "since": "2026-02-30T00:00", "until": "2026-03-01T00:00"},
    )
    assert page.status_code == 302  # back to the rule, with the message; was a server error
    assert not Backtest.objects.exists()
