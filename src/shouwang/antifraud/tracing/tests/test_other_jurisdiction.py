"""Fund tracing with reports on both sides: station A's and station B's victims both paid
CARD_1, so the two reports' statements name the same mule accounts. A trace follows only its
own report's statements; each station's workspace, trace pages and the freeze requests sent
from a trace stay in that station."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shouwang.antifraud.actions import do_register_report
from shouwang.antifraud.intake import parse_report
from shouwang.antifraud.models import FraudReport
from shouwang.antifraud.queries import requests_for_user
from shouwang.antifraud.tests.factories import report_payload
from shouwang.antifraud.tracing.actions import do_import_statement, do_run_trace
from shouwang.antifraud.tracing.models import Trace
from shouwang.antifraud.tracing.tests.statements import (
    MULE_1,
    PAID_AT,
    as_csv,
    card_1_rows,
    mule_1_rows,
    register_report,
    save_mappings,
)
from shouwang.common.apitest import session_client
from shouwang.common.testing import Cast
from shouwang.orgs.models import User

pytestmark = pytest.mark.django_db


def _import(report: FraudReport, cast: Cast, name: str, rows: list[list[str]], who: User) -> None:
    do_import_statement(
        report, organisation=cast.bank, filename=name, content=as_csv(rows), actor=who
    )


def _trace(report: FraudReport, who: User) -> Trace:
    return do_run_trace(report, transfer=report.transfers.all()[0], actor=who)


@pytest.fixture
def traces(cast: Cast) -> tuple[Trace, Trace]:
    """A's trace (both statements: CARD_1 and MULE_1's ATM cash-out) and B's (CARD_1 only)."""
    save_mappings(cast)
    a = register_report(cast)
    payload = report_payload(cast, victim_name="李西门")
    payload["occurred_at"] = (PAID_AT - timedelta(hours=1)).isoformat()
    payload["transfers"] = [
        {**payload["transfers"][0], "at": PAID_AT.replace(second=0).isoformat()}
    ]
    b = do_register_report(parse_report(payload), actor=cast.charlie)
    _import(a, cast, "a-card1.csv", card_1_rows(), cast.alice)
    _import(a, cast, "a-mule1.csv", mule_1_rows(), cast.alice)
    _import(b, cast, "b-card1.csv", card_1_rows(), cast.charlie)
    return _trace(a, cast.alice), _trace(b, cast.charlie)


def test_a_trace_follows_only_its_own_reports_statements(
    cast: Cast, traces: tuple[Trace, Trace]
) -> None:
    a, b = traces
    assert a.transaction_count == 4 and b.transaction_count == 3  # A: one row in both
    a_ids = {f["txn_id"] for f in a.result["flows"]}
    b_ids = {f["txn_id"] for f in b.result["flows"]}
    assert "B002" in a_ids and not b_ids & {"B001", "B002"}
    # B's graph stops at MULE_1: A's statement, naming its ATM cash-out, is not followed.
    graph = session_client(cast.charlie).get(f"/antifraud/trace/{b.pk}/graph.json").json()
    assert MULE_1 in {n["id"] for n in graph["nodes"]}
    assert not any(n["role"] == "cash_out" for n in graph["nodes"])
    own = session_client(cast.alice).get(f"/antifraud/trace/{a.pk}/graph.json").json()
    assert any(n["role"] == "cash_out" for n in own["nodes"])


def test_each_stations_workspace_and_traces_stay_its_own(
    cast: Cast, traces: tuple[Trace, Trace]
) -> None:
    a, b = traces
    alice, charlie = session_client(cast.alice), session_client(cast.charlie)
    page = alice.get(f"/antifraud/trace/reports/{a.report_id}/").content.decode()
    assert "a-mule1.csv" in page and "b-card1.csv" not in page
    assert a.reference in page and b.reference not in page
    page = charlie.get(f"/antifraud/trace/reports/{b.report_id}/").content.decode()
    assert "b-card1.csv" in page and "a-mule1.csv" not in page and "a-card1.csv" not in page
    assert b.reference in page and a.reference not in page
    for client, own, theirs in ((alice, a, b), (charlie, b, a)):
        for suffix in ("", "graph.json"):
            assert client.get(f"/antifraud/trace/{own.pk}/{suffix}").status_code == 200
            assert client.get(f"/antifraud/trace/{theirs.pk}/{suffix}").status_code == 404
        workspace = f"/antifraud/trace/reports/{theirs.report_id}/"
        assert client.get(workspace).status_code == 404


def test_freezes_sent_from_a_trace_are_the_stations_own_requests(
    cast: Cast, traces: tuple[Trace, Trace]
) -> None:
    a, b = traces
    charlie = session_client(cast.charlie)
    refused = charlie.post(f"/antifraud/trace/{a.pk}/freeze/", {"account": [MULE_1]})
    assert refused.status_code == 404
    assert (
        charlie.post(f"/antifraud/trace/{b.pk}/freeze/", {"account": [MULE_1]}).status_code == 302
    )
    sent = b.report.requests.filter(source="trace").get()
    assert sent.unit == cast.station_b and sent.indicator.value == MULE_1
    assert sent in requests_for_user(cast.charlie) and sent not in requests_for_user(cast.alice)
    assert sent in requests_for_user(cast.dora) and sent not in requests_for_user(cast.hank)
    assert not a.report.requests.filter(source="trace").exists()
