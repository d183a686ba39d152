"""The demo's bank statements: fund tracing works in the demo from the first login."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

from shouwang.antifraud.models import PartnerRequest
from shouwang.antifraud.tracing.actions import do_run_trace, do_send_trace_freezes
from shouwang.antifraud.tracing.models import Statement, StatementMapping, Transaction
from shouwang.common.apitest import session_client
from shouwang.demo.generate import load_demo
from shouwang.demo.plan import SMALL_SHAPE
from shouwang.orgs.choices import OrganisationKind, Role
from shouwang.orgs.models import Organisation, User

NOW = datetime(2026, 6, 15, 2, 30, tzinfo=UTC)

pytestmark = pytest.mark.django_db


def test_a_demo_report_can_be_traced_to_freezes_at_the_banks() -> None:
    with time_machine.travel(NOW, tick=False):
        load_demo(seed=11, scale=0.2, shape=SMALL_SHAPE, incidents=False)
    banks = Organisation.objects.filter(kind=OrganisationKind.BANK).order_by("pk")
    assert StatementMapping.objects.count() == banks.count() > 0
    statement = Statement.objects.select_related("report").first()
    assert statement is not None and statement.imported_at <= NOW
    # Every statement gives its balances, and they run on from row to row.
    assert all(s.balance_checked and s.balance_breaks == [] for s in Statement.objects.all())
    assert not Transaction.objects.filter(from_balance=None, to_balance=None).exists()
    report = statement.report
    analyst = User.objects.filter(role=Role.FRAUD_ANALYST).order_by("pk").first()
    assert analyst is not None

    # The workspace offers the banks, and every transfer of the report has money to follow.
    page = session_client(analyst).get(f"/antifraud/trace/reports/{report.pk}/")
    assert page.status_code == 200
    assert all(f'<option value="{bank.pk}"' in page.content.decode() for bank in banks)
    for transfer in report.transfers.all():
        trace = do_run_trace(report, transfer=transfer, actor=analyst)
        assert max(f["hop"] for f in trace.result["flows"]) >= 3
        assert len(trace.result["holdings"]) >= 4
        assert trace.result["cash_outs"]
        assert trace.result["openings"]  # the cards held money of their own

    # The freeze list goes to the banks' desks, which see the requests.
    top = [h["account"] for h in trace.result["holdings"][:3]]
    before = PartnerRequest.objects.filter(source="trace").count()
    sent = do_send_trace_freezes(trace, accounts=top, actor=analyst)
    assert len(sent) == 3 and all(r.organisation is not None for r in sent)
    assert PartnerRequest.objects.filter(source="trace").count() == before + 3


def test_the_station_chief_has_a_report_to_trace() -> None:
    with time_machine.travel(NOW, tick=False):
        load_demo(seed=2026, scale=0.2, shape=SMALL_SHAPE, incidents=False)
    chief = User.objects.get(username="chief")
    assert chief.unit is not None
    assert Statement.objects.filter(report__unit__path__startswith=chief.unit.path).exists()
