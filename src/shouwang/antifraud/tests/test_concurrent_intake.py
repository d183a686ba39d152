"""Reports registered at the same moment naming the same numbers: none fails, none is counted
twice or lost (PostgreSQL, where requests really run in parallel)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from shouwang.antifraud.actions import do_register_report
from shouwang.antifraud.intake import parse_report
from shouwang.antifraud.models import FraudReport, Indicator
from shouwang.antifraud.tests.factories import report_payload
from shouwang.common.testing import Cast, build_cast

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs parallel writers"),
]

WRITERS = 6


def test_parallel_reports_on_the_same_numbers_are_all_counted() -> None:
    cast: Cast = build_cast()
    payloads = []
    for n in range(WRITERS):
        payload = report_payload(cast)
        # Every report names both shared phones, in a different order, plus one of its own.
        shared = [
            {"kind": "phone", "value": "13812345678"},
            {"kind": "phone", "value": "13912345678"},
        ]
        own = {"kind": "phone", "value": f"1390000{n:04d}"}
        payload["indicators"] = (shared if n % 2 else shared[::-1]) + [own]
        payloads.append(payload)
    start = threading.Barrier(WRITERS)
    failures: list[BaseException] = []

    def write(payload: dict[str, object]) -> None:
        try:
            data = parse_report(payload)
            start.wait()
            do_register_report(data, actor=cast.alice)
        except BaseException as exc:  # reported below, with the others
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(p,)) for p in payloads]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    assert FraudReport.objects.count() == WRITERS
    for value in ("+8613812345678", "+8613912345678"):
        assert Indicator.objects.get(kind="phone", value=value).report_count == WRITERS
    # The shared receiving cards of report_payload too: one row each, counted on every report.
    cards = Indicator.objects.filter(kind="bank_card")
    assert cards.count() == 2 and {c.report_count for c in cards} == {WRITERS}
