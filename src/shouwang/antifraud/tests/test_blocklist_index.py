"""The in-process index of known indicators: unknown values are answered from memory, and the
answers stay right as indicators are added, confirmed and taken off the blocklist.

These tests commit (transaction=True): inside a transaction lookups bypass the index."""

import time
from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from shouwang.antifraud import blocklist
from shouwang.antifraud.actions import (
    do_confirm_indicator,
    do_register_report,
    do_unconfirm_indicator,
)
from shouwang.antifraud.intake import parse_report
from shouwang.antifraud.models import FraudReport, Indicator
from shouwang.antifraud.tests.factories import CARD_1, PHONE_1, report_payload
from shouwang.common.testing import Cast

pytestmark = pytest.mark.django_db(transaction=True)
NEW_PHONE = "13998765432"
NEW_E164 = "+8613998765432"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    """A fresh index on a clock the test moves, in place of the process's own."""
    fake = FakeClock()
    monkeypatch.setattr(blocklist, "KNOWN", blocklist.KnownIndex(clock=fake))
    return fake


def register(cast: Cast, **overrides: Any) -> FraudReport:
    return do_register_report(parse_report(report_payload(cast, **overrides)), actor=cast.alice)


def add_indicator(pk: int, value: str) -> Indicator:
    """A row as another process would commit it, with the id it drew."""
    at = datetime(2026, 1, 1, tzinfo=UTC)
    return Indicator.objects.create(pk=pk, kind="phone", value=value, first_seen=at, last_seen=at)


def test_it_answers_unknown_values_without_the_database(cast, clock):
    report = register(cast)
    blocklist.KNOWN.rebuild()
    with CaptureQueriesContext(connection) as queries:
        result = blocklist.lookup(cast.dora, "137 0000 0000", "phone")
    assert result.known is False and result.value == "+8613700000000"
    assert queries.captured_queries == []
    known = blocklist.lookup(cast.ivan, "138-1234-5678", "phone")
    assert known.known and known.references == [report.reference]
    # A bank's desk learns that the number is known, not the police's case references.
    desk = blocklist.lookup(cast.dora, "138-1234-5678", "phone")
    assert desk.known and desk.report_count == 1 and desk.references == []
    assert blocklist.lookup(cast.dora, CARD_1).known


def test_it_finds_an_indicator_added_after_the_build_once_it_refreshes(cast, clock):
    register(cast)
    blocklist.KNOWN.rebuild()
    assert not blocklist.lookup(cast.dora, NEW_PHONE).known
    register(cast, indicators=[{"kind": "phone", "value": NEW_PHONE}], transfers=[])
    clock.now += 1.0  # the refresh interval
    result = blocklist.lookup(cast.dora, NEW_PHONE)
    assert result.known and result.value == NEW_E164 and result.report_count == 1


def test_it_catches_a_lower_id_committed_after_a_higher_one(cast, clock):
    add_indicator(10, "+8613900000010")
    blocklist.KNOWN.rebuild()
    clock.now += 1.0
    add_indicator(20, "+8613900000020")
    assert blocklist.lookup(cast.dora, "13900000020").known
    # Id 15 was drawn before 20 but its transaction commits only now.
    add_indicator(15, "+8613900000015")
    clock.now += 1.0
    assert blocklist.lookup(cast.dora, "13900000015").known


def test_a_rebuild_catches_what_refreshes_cannot(cast, clock, monkeypatch):
    add_indicator(10, "+8613900000010")
    blocklist.KNOWN.rebuild()
    clock.now += 1.0
    add_indicator(20, "+8613900000020")
    assert blocklist.lookup(cast.dora, "13900000020").known
    # A transaction open far longer than the settle time commits a low id: refreshes read
    # only above the floor, so it stays unknown until the hourly rebuild.
    clock.now += blocklist.SETTLE_SECONDS + 1
    blocklist.lookup(cast.dora, "13700000000")
    add_indicator(12, "+8613900000012")
    clock.now += 1.0
    assert not blocklist.lookup(cast.dora, "13900000012").known
    started = []
    monkeypatch.setattr(blocklist.KNOWN, "_start_rebuild", lambda now: started.append(now))
    clock.now += 3600
    blocklist.lookup(cast.dora, "13700000000")
    assert started == [clock.now]
    blocklist.KNOWN.rebuild()  # what the background thread does
    assert blocklist.lookup(cast.dora, "13900000012").known


def test_confirming_and_removing_from_the_blocklist_shows_at_once(cast, clock):
    register(cast)
    blocklist.KNOWN.rebuild()
    indicator = Indicator.objects.get(kind="phone", value="+8613812345678")
    do_confirm_indicator(indicator, note="ZP00000001", actor=cast.alice)
    assert blocklist.lookup(cast.dora, PHONE_1).confirmed
    do_unconfirm_indicator(indicator, note="号码已回收", actor=cast.alice)
    result = blocklist.lookup(cast.dora, PHONE_1)
    assert result.known and not result.confirmed and result.confirmed_at is None


def test_inside_a_transaction_it_reads_the_database(cast, clock):
    blocklist.KNOWN.rebuild()
    with transaction.atomic():
        register(cast, indicators=[{"kind": "phone", "value": NEW_PHONE}], transfers=[])
        assert blocklist.lookup(cast.dora, NEW_PHONE).known


def test_until_the_first_build_lookups_read_the_database(cast, clock, monkeypatch):
    started = []
    monkeypatch.setattr(blocklist.KNOWN, "_start_rebuild", lambda now: started.append(now))
    register(cast)
    assert blocklist.lookup(cast.dora, PHONE_1).known
    assert not blocklist.lookup(cast.dora, "13700000000").known
    assert started, "the first lookup starts the build"


def test_turned_off_it_reads_the_database(cast, clock, settings):
    settings.FRAUD_BLOCKLIST_INDEX = False
    register(cast)
    with CaptureQueriesContext(connection) as queries:
        assert not blocklist.lookup(cast.dora, "13700000000").known
    assert len(queries.captured_queries) == 1
    assert blocklist.KNOWN.size == 0


def test_merging_new_hashes_keeps_the_array_sorted_and_complete(cast, clock, monkeypatch):
    monkeypatch.setattr(blocklist, "MERGE_AT", 3)
    add_indicator(1, "+8613900000001")
    blocklist.KNOWN.rebuild()
    for pk in range(2, 7):
        add_indicator(pk, f"+861390000000{pk}")
    clock.now += 1.0
    blocklist.lookup(cast.dora, "13700000000")
    assert blocklist.KNOWN.size == 6 and blocklist.KNOWN.nbytes == 6 * 8
    for pk in range(1, 7):
        assert blocklist.lookup(cast.dora, f"1390000000{pk}").known


def test_a_build_on_another_thread_swaps_the_index_in(cast, clock):
    register(cast)
    blocklist.KNOWN._start_rebuild(clock.now)
    deadline = 200
    while blocklist.KNOWN.size == 0 and deadline:
        time.sleep(0.05)
        deadline -= 1
    assert blocklist.KNOWN.size == 4  # two phones, two cards
    assert not blocklist.lookup(cast.dora, "13700000000").known


@pytest.mark.django_db  # reads no index: needs no commit
def test_the_database_computes_the_same_keys_as_python(cast):
    """On PostgreSQL the build hashes in SQL; lookups hash in Python: they must agree, also for
    text that needs escaping or is not ASCII."""
    at = datetime(2026, 1, 1, tzinfo=UTC)
    values = [("app", "反诈\\中心 app"), ("social", "name\twith tab"), ("phone", "+8613800000000")]
    for kind, value in values:
        Indicator.objects.create(kind=kind, value=value, first_seen=at, last_seen=at)
    top = Indicator.objects.order_by("-pk").values_list("pk", flat=True).first()
    assert top is not None
    keys = blocklist._read_keys(top)
    assert sorted(keys.tolist()) == sorted(blocklist.index_key(k, v) for k, v in values)


def test_a_known_value_is_read_in_one_statement_with_its_newest_references(
    cast, clock, monkeypatch
):
    reports = [register(cast) for _ in range(3)]
    blocklist.KNOWN.rebuild()
    monkeypatch.setattr(blocklist, "MAX_REFERENCES", 2)
    with CaptureQueriesContext(connection) as queries:
        known = blocklist.lookup(cast.ivan, PHONE_1, "phone")
    assert len(queries.captured_queries) == 1
    assert known.report_count == 3
    assert known.first_seen == Indicator.objects.get(kind="phone", value=known.value).first_seen
    assert known.last_seen is not None and known.last_seen.tzinfo is not None
    assert known.references == [reports[2].reference, reports[1].reference]
    # Known (an indicator row) but on no report: no reference, still known.
    add_indicator(9_000, NEW_E164)
    clock.now += 60
    alone = blocklist.lookup(cast.dora, NEW_PHONE, "phone")
    assert alone.known and alone.references == [] and alone.report_count == 0
