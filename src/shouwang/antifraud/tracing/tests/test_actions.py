from datetime import timedelta
from decimal import Decimal
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import pytest
from django.core.exceptions import ValidationError

from shouwang.antifraud.choices import RequestSource, RequestType
from shouwang.antifraud.models import FraudReport, PartnerRequest
from shouwang.antifraud.queries import requests_for_user
from shouwang.antifraud.tests.factories import CARD_1
from shouwang.antifraud.tracing.actions import (
    MatchParameters,
    do_import_statement,
    do_run_trace,
    do_save_mapping,
    do_send_trace_freezes,
)
from shouwang.antifraud.tracing.ledger import report_transactions
from shouwang.antifraud.tracing.models import Statement, Trace, Transaction
from shouwang.antifraud.tracing.tests.statements import (
    BALANCE_HEADER,
    GAPS,
    MAPPING,
    MULE_1,
    MULE_2,
    PAID_AT,
    as_csv,
    card_1_rows,
    card_1_with_gaps,
    mule_1_rows,
    register_report,
    save_mappings,
    with_balances,
)
from shouwang.audit.models import AuditEvent
from shouwang.common.errors import NotPermitted
from shouwang.common.testing import Cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(cast):
    save_mappings(cast)
    return register_report(cast)


@pytest.fixture
def imported(cast, report):
    do_import_statement(
        report, organisation=cast.bank, filename="card1.csv", content=as_csv(card_1_rows()),
        actor=cast.ivan,
    )  # fmt: skip
    do_import_statement(
        report, organisation=cast.bank, filename="mule1.csv", content=as_csv(mule_1_rows()),
        actor=cast.ivan,
    )  # fmt: skip
    return report


def run(cast: Cast, report: FraudReport, **params: Any) -> Trace:
    return do_run_trace(report, transfer=report.transfers.all()[0], actor=cast.ivan, **params)


def test_import_lands_every_row_scoped_like_the_report_and_audited(cast, imported):
    assert Statement.objects.count() == 2
    rows = Transaction.objects.filter(report=imported)
    assert rows.count() == 5
    assert set(rows.values_list("unit", flat=True)) == {imported.unit_id}
    payment = rows.get(txn_id="A001")
    assert (payment.from_account, payment.to_account) == ("6222000011112222", CARD_1)
    assert payment.amount == Decimal("30000.00") and payment.time == PAID_AT
    assert payment.bank == cast.bank.name  # the statement's own bank holds the credited account
    assert rows.get(txn_id="B002").channel == "atm"
    assert AuditEvent.objects.filter(action="fraud.statement_imported").count() == 2


def import_csv(cast: Cast, report: FraudReport, name: str, rows: list[list[str]]) -> Statement:
    """A statement of the cast's bank with the balance column."""
    content = as_csv(rows, BALANCE_HEADER)
    return do_import_statement(
        report, organisation=cast.bank, filename=name, content=content, actor=cast.ivan
    )


def test_import_with_a_balance_column_keeps_each_rows_balance_on_its_side(cast):
    save_mappings(cast, balance=True)
    report = register_report(cast)
    statement = import_csv(cast, report, "card1.csv", with_balances(card_1_rows(), "5000.00"))
    assert statement.balance_checked and statement.balance_breaks == []
    balances = {
        t.txn_id: (t.from_balance, t.to_balance) for t in Transaction.objects.filter(report=report)
    }
    # CARD_1 received 30,000 onto 5,000, then paid 20,000 and 9,000 out.
    assert balances == {
        "A001": (None, Decimal("35000.00")),
        "A002": (Decimal("15000.00"), None),
        "A003": (Decimal("6000.00"), None),
    }
    event = AuditEvent.objects.get(action="fraud.statement_imported")
    assert event.detail["balance_breaks"] == 0


def test_missing_rows_are_balance_breaks_and_the_statement_is_still_imported(cast):
    save_mappings(cast, balance=True)
    report = register_report(cast)
    statement = import_csv(cast, report, "card1.csv", card_1_with_gaps())
    statement.refresh_from_db()
    # 1,000 came in between rows 2 and 3 that no row shows, 500 went out between rows 3 and 4.
    assert statement.balance_checked and statement.balance_breaks == GAPS
    assert statement.row_count == 3 and Transaction.objects.filter(statement=statement).count() == 3
    event = AuditEvent.objects.get(action="fraud.statement_imported")
    assert event.detail["balance_breaks"] == 2


def test_without_a_balance_column_nothing_is_checked(cast, imported):
    for statement in Statement.objects.all():
        assert not statement.balance_checked and statement.balance_breaks == []
    assert not Transaction.objects.filter(from_balance__isnull=False).exists()
    assert not Transaction.objects.filter(to_balance__isnull=False).exists()
    # A file with a balance column that the bank's layout does not name: still unchecked.
    statement = import_csv(cast, imported, "gaps.csv", card_1_with_gaps())
    assert not statement.balance_checked and statement.balance_breaks == []


def test_a_bad_balance_cell_is_named_by_row_and_column_and_nothing_is_written(cast):
    save_mappings(cast, balance=True)
    report = register_report(cast)
    rows = with_balances(card_1_rows(), "5000.00")
    rows[2][-1] = "约六千"
    with pytest.raises(ValidationError) as info:
        import_csv(cast, report, "bad.csv", rows)
    assert info.value.message_dict["file"] == ["第 4 行，“余额”列：金额无法识别（约六千）"]
    assert not Statement.objects.exists() and not Transaction.objects.exists()
    assert not AuditEvent.objects.filter(action="fraud.statement_imported").exists()


@pytest.mark.parametrize("payee_first", [False, True])
def test_the_two_copies_of_a_transfer_merge_with_both_balances(cast, payee_first):
    save_mappings(cast, balance=True)
    report = register_report(cast)
    statements = [
        ("card1.csv", with_balances(card_1_rows(), "5000.00")),
        ("mule1.csv", with_balances(mule_1_rows(), "80.00")),
    ]
    for name, rows in reversed(statements) if payee_first else statements:
        import_csv(cast, report, name, rows)
    table = report_transactions(report)
    assert table.num_rows == 4  # CARD_1 -> MULE_1 is in both statements
    balances = {
        (r["from_account"], r["to_account"]): (r["from_balance"], r["to_balance"])
        for r in table.to_pylist()
    }
    assert balances == {
        ("6222000011112222", CARD_1): (None, 35000.0),
        # the payer's balance from CARD_1's statement, the payee's from MULE_1's
        (CARD_1, MULE_1): (15000.0, 20080.0),
        (CARD_1, MULE_2): (6000.0, None),
        (MULE_1, "atm"): (15080.0, None),
    }
    assert table.schema.field("from_balance").type == pa.float64()
    assert table.schema.field("to_balance").type == pa.float64()


@pytest.mark.parametrize("balance", [True, False])
def test_money_the_card_held_before_leaves_first_under_fifo(cast, balance):
    """CARD_1's statement shows 20,000 there before the victim's 30,000. Under FIFO that money
    is what CARD_1 pays MULE_1: the victim's stays on CARD_1, less the 9,000 to MULE_2.
    Without the balance column CARD_1 is taken to hold nothing before, and the 20,000 to
    MULE_1 is the victim's."""
    save_mappings(cast, balance=balance)
    report = register_report(cast)
    import_csv(cast, report, "card1.csv", with_balances(card_1_rows(), "20000.00"))
    import_csv(cast, report, "mule1.csv", with_balances(mule_1_rows(), "80.00"))
    trace = run(cast, report, rule="fifo")
    held = {h["account"]: h["amount"] for h in trace.result["holdings"]}
    if balance:
        assert held == pytest.approx({CARD_1: 21000.0, MULE_2: 9000.0})
        assert not trace.result["cash_outs"]  # MULE_1 got none of it: its ATM cash is not
        # the trace keeps what the balance showed, for the page to explain the freeze list
        assert [(o["account"], o["amount"]) for o in trace.result["openings"]] == [
            (CARD_1, 20000.0)
        ]
    else:
        assert len(trace.result["openings"]) == 0
        assert held == pytest.approx({MULE_1: 15000.0, MULE_2: 9000.0, CARD_1: 1000.0})
        assert [c["amount"] for c in trace.result["cash_outs"]] == [5000.0]


BAD_ROWS = [
    (["2026-03-02 10:15", CARD_1, "收", "1", "x", "", "", "1"], "第 5 行，“交易时间”列"),
    (["2026-03-02 10:15:00", CARD_1, "收", "abc", "x", "", "", "1"], "第 5 行，“金额”列"),
    (["2026-03-02 10:15:00", CARD_1, "进", "1", "x", "", "", "1"], "第 5 行，“收支”列"),
]


@pytest.mark.parametrize(("bad", "expected"), BAD_ROWS)
def test_a_bad_row_is_named_by_row_and_column_and_nothing_is_written(cast, report, bad, expected):
    # Rows 2-4 are good; the bad one is the spreadsheet's row 5.
    content = as_csv([*card_1_rows(), bad])
    with pytest.raises(ValidationError) as info:
        do_import_statement(
            report, organisation=cast.bank, filename="s.csv", content=content, actor=cast.ivan
        )
    messages = info.value.message_dict["file"]
    assert any(m.startswith(expected) for m in messages), messages
    assert not Statement.objects.exists() and not Transaction.objects.exists()
    assert not AuditEvent.objects.filter(action="fraud.statement_imported").exists()


def test_a_missing_column_is_named(cast, report):
    content = as_csv([["2026-03-02 10:15:00", CARD_1]], ["交易时间", "本方账号"])
    with pytest.raises(ValidationError) as info:
        do_import_statement(
            report, organisation=cast.bank, filename="s.csv", content=content, actor=cast.ivan
        )
    assert "第 1 行，“收支”列：缺少这一列" in info.value.message_dict["file"]
    assert not Transaction.objects.exists()


def test_wrong_file_type_oversize_and_unmapped_bank_are_refused(cast, report, settings):
    def attempt(**kwargs: Any) -> dict[str, list[str]]:
        args = {"organisation": cast.bank, "filename": "s.csv", "content": b"x"} | kwargs
        with pytest.raises(ValidationError) as info:
            do_import_statement(report, actor=cast.ivan, **args)
        return info.value.message_dict

    assert "file" in attempt(filename="s.pdf")
    assert "file" in attempt(content=b"0" * (10 * 1024 * 1024 + 1))
    assert "organisation" in attempt(organisation=cast.carrier)
    assert not Statement.objects.exists()


def test_other_jurisdiction_partner_and_officer_without_trace_right_cannot_import(cast, report):
    for user in (cast.charlie, cast.dora, cast.bob):
        with pytest.raises(NotPermitted):
            do_import_statement(
                report, organisation=cast.bank, filename="s.csv",
                content=as_csv(card_1_rows()), actor=user,
            )  # fmt: skip
    assert not Transaction.objects.exists()


def test_mapping_is_validated_and_only_the_centre_edits_it(cast):
    with pytest.raises(ValidationError) as info:
        do_save_mapping(cast.bank, {**MAPPING, "colour": "red"}, actor=cast.ivan)
    assert "colour" in info.value.message_dict
    with pytest.raises(ValidationError):
        do_save_mapping(cast.company, dict(MAPPING), actor=cast.ivan)
    for user in (cast.bob, cast.dora):
        with pytest.raises(NotPermitted):
            do_save_mapping(cast.bank, dict(MAPPING), actor=user)
    saved = do_save_mapping(cast.bank, {**MAPPING, "bank": "别的名字"}, actor=cast.ivan)
    assert saved.mapping["bank"] == cast.bank.name
    assert AuditEvent.objects.filter(action="fraud.statement_mapping_saved").count() == 1


def test_trace_follows_the_money_and_saves_parameters_and_result(cast, imported):
    trace = run(cast, imported, rule="fifo", max_hops=6, window_hours=72)
    held = {h["account"]: h["amount"] for h in trace.result["holdings"]}
    assert held == pytest.approx({MULE_1: 15000.0, MULE_2: 9000.0, CARD_1: 1000.0})
    banks = {h["account"]: h["bank"] for h in trace.result["holdings"]}
    assert banks == {MULE_1: "测试银行", MULE_2: "另一银行", CARD_1: "测试银行"}
    assert [c["amount"] for c in trace.result["cash_outs"]] == [5000.0]
    # The officer noted 10:15; the statement's 10:15:37 credit is the start (the hop-0 flow).
    assert trace.start_time == PAID_AT
    assert trace.result["flows"][0]["txn_id"] == "A001"
    # The transfer into MULE_1 is in both statements: it carries the money once.
    assert trace.transaction_count == 4
    assert (trace.rule, trace.max_hops, trace.window_hours) == ("fifo", 6, 72)
    event = AuditEvent.objects.get(action="fraud.trace_run")
    assert event.object_id == str(trace.pk) and event.detail["rule"] == "fifo"


def test_window_and_rule_change_the_answer(cast, imported):
    short = run(cast, imported, window_hours=1, max_hops=1)
    assert {h["account"] for h in short.result["holdings"]} == {MULE_1, MULE_2, CARD_1}
    poison = run(cast, imported, rule="poison")
    assert poison.result["rule"] == "poison" and len(poison.result["flows"]) >= 4
    match = run(cast, imported, rule="match")
    assert match.result["rule"] == "match" and match.rule == "match"
    # Amount matching keeps the money conserved: what the accounts hold and what was cashed
    # out add up to no more than the victim paid.
    held = sum(h["amount"] for h in match.result["holdings"])
    cashed = sum(c["amount"] for c in match.result["cash_outs"])
    fifo = run(cast, imported, rule="fifo")
    paid = sum(h["amount"] for h in fifo.result["holdings"])
    paid += sum(c["amount"] for c in fifo.result["cash_outs"])
    assert 0 < held + cashed <= paid + 0.01


def test_the_match_rules_limits_are_used_saved_and_audited(cast, imported):
    limits = MatchParameters(within_hours=120, fee_percent=Decimal("1.5"), skips=1)
    saved = run(cast, imported, rule="match", match=limits)
    assert (saved.match_within_hours, saved.match_fee_percent, saved.match_skips) == (
        120,
        Decimal("1.5"),
        1,
    )
    # what the engine ran with, as its result records it
    assert saved.result["match"]["within"] == 120 * 3600
    assert saved.result["match"]["fee"] == pytest.approx(0.015)
    assert saved.result["match"]["skips"] == 1
    event = AuditEvent.objects.get(action="fraud.trace_run")
    assert event.detail["match_within_hours"] == 120 and event.detail["match_skips"] == 1
    # the other rules have no such limits, whatever the form sent
    fifo = run(cast, imported, rule="fifo", match=limits)
    assert (fifo.match_within_hours, fifo.match_fee_percent, fifo.match_skips) == (None,) * 3


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"rule": "lifo"}, "rule"),
        ({"max_hops": 0}, "max_hops"),
        ({"window_hours": 0}, "window_hours"),
        ({"rule": "match", "match": MatchParameters(within_hours=0)}, "match_within_hours"),
        ({"rule": "match", "match": MatchParameters(fee_percent=Decimal(25))}, "match_fee_percent"),
        ({"rule": "match", "match": MatchParameters(skips=9)}, "match_skips"),
    ],
)
def test_bad_parameters_are_refused_and_nothing_is_saved(cast, imported, params, field):
    with pytest.raises(ValidationError) as info:
        run(cast, imported, **params)
    assert field in info.value.message_dict
    assert not Trace.objects.exists()


def test_trace_without_statements_is_refused(cast, report):
    with pytest.raises(ValidationError) as info:
        run(cast, report)
    assert "transfer" in info.value.message_dict


def test_other_jurisdiction_cannot_trace(cast, imported):
    with pytest.raises(NotPermitted):
        do_run_trace(imported, transfer=imported.transfers.first(), actor=cast.charlie)


def test_freezes_go_to_each_accounts_bank_desk_through_the_request_flow(cast, imported):
    trace = run(cast, imported)
    before = PartnerRequest.objects.count()
    created = do_send_trace_freezes(trace, accounts=[MULE_1, MULE_2], actor=cast.ivan)
    assert PartnerRequest.objects.count() == before + 2
    by_account = {r.indicator.value: r for r in created}
    assert by_account[MULE_1].organisation == cast.bank
    assert by_account[MULE_2].organisation == cast.other_bank
    assert by_account[MULE_1].amount_requested == Decimal("15000.00")
    for req in created:
        assert (req.source, req.type, req.report_id) == (
            RequestSource.TRACE, RequestType.FREEZE, imported.pk,
        )  # fmt: skip
        assert req.deadline - req.created_at == timedelta(minutes=15)
    assert by_account[MULE_1] in requests_for_user(cast.dora)
    assert by_account[MULE_2] not in requests_for_user(cast.dora)
    assert by_account[MULE_2] in requests_for_user(cast.hank)
    trace.refresh_from_db()
    assert trace.sent_accounts == [MULE_1, MULE_2]
    assert AuditEvent.objects.filter(action="fraud.trace_freezes_sent").count() == 1


def test_freezes_refuse_accounts_off_the_list_or_already_sent(cast, imported):
    trace = run(cast, imported)
    do_send_trace_freezes(trace, accounts=[MULE_1], actor=cast.ivan)
    count = PartnerRequest.objects.count()
    for accounts in ([MULE_1], ["6222000011112222", MULE_2], []):
        with pytest.raises(ValidationError):
            do_send_trace_freezes(trace, accounts=accounts, actor=cast.ivan)
    assert PartnerRequest.objects.count() == count
    with pytest.raises(NotPermitted):
        do_send_trace_freezes(trace, accounts=[MULE_2], actor=cast.charlie)
    assert PartnerRequest.objects.count() == count


def test_a_bank_that_writes_money_out_and_in_in_two_columns(cast):
    layout = {k: v for k, v in MAPPING.items() if k not in {"direction", "amount"}}
    layout |= {"amount": "支出", "credit_amount": "收入"}
    do_save_mapping(cast.bank, layout, actor=cast.ivan)
    report = register_report(cast)
    header = ["交易时间", "本方账号", "支出", "收入", "对方账号", "对方行", "摘要", "流水号"]
    rows = [
        [time, account, "" if way == "收" else amount, amount if way == "收" else "", *rest]
        for time, account, way, amount, *rest in card_1_rows()
    ]
    do_import_statement(
        report, organisation=cast.bank, filename="two.csv", content=as_csv(rows, header),
        actor=cast.ivan,
    )  # fmt: skip
    moved = Transaction.objects.filter(report=report).order_by("time")
    assert [(t.from_account, t.to_account, t.amount) for t in moved] == [
        ("6222000011112222", CARD_1, Decimal("30000.00")),
        (CARD_1, MULE_1, Decimal("20000.00")),
        (CARD_1, MULE_2, Decimal("9000.00")),
    ]
    rows[1][3] = "5.00"  # money out and money in on one row
    with pytest.raises(ValidationError) as info:
        do_import_statement(
            report, organisation=cast.bank, filename="both.csv", content=as_csv(rows, header),
            actor=cast.ivan,
        )  # fmt: skip
    assert info.value.message_dict["file"] == [
        "第 3 行，“收入”列：同一行的收入和支出两列都有金额（20000.00 / 5.00）"
    ]


def test_the_lowest_balance_rule_keeps_the_victims_money_where_the_balance_allows(cast):
    # CARD_1 held 20,000 before the victim's 30,000: it can pay 20,000 out of its own money,
    # and only the 9,000 after that is the victim's.
    save_mappings(cast, balance=True)
    report = register_report(cast)
    import_csv(cast, report, "card1.csv", with_balances(card_1_rows(), "20000.00"))
    trace = run(cast, report, rule="lowest")
    assert trace.rule == "lowest" and trace.get_rule_display() == "最低余额法"
    held = {h["account"]: h["amount"] for h in trace.result["holdings"]}
    assert held == pytest.approx({CARD_1: 21000.0, MULE_2: 9000.0})
