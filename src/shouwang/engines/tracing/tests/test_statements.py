"""Bank statements (银行流水) in, transactions out, or every problem with its row and column."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from shouwang.engines.tracing import (
    BalanceBreak,
    ColumnMapping,
    MappingError,
    Start,
    StatementErrors,
    balance_breaks,
    read_statement,
    trace,
)

MAPPING = ColumnMapping(
    bank="工商银行",
    account="本方账号",
    time="交易时间",
    amount="交易金额",
    direction="借贷标志",
    counterparty="对方账号",
    counterparty_bank="对方行名",
    txn_id="流水号",
    channel="摘要",
    channel_values={"ATM取款": "atm"},
)
HEADER = "流水号,本方账号,交易时间,借贷标志,交易金额,对方账号,对方行名,摘要"
GOOD = [
    'S1,6222001,2025-03-01 09:00:00,贷,"50,000.00",6217999,建设银行,转账',
    "S2,6222001,2025-03-01 09:20:00,借,30000.00,6228123,农业银行,转账",
    "S3,6222001,2025-03-01 09:40:00,借,5000,,,ATM取款",
]


def write_csv(tmp_path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path = tmp_path / "statement.csv"
    path.write_bytes("\n".join([HEADER, *lines]).encode(encoding))
    return path


def test_a_csv_statement_becomes_transactions(tmp_path):
    rows = read_statement(write_csv(tmp_path, GOOD), MAPPING).to_pylist()
    assert [(r["from_account"], r["to_account"], r["amount"], r["bank"]) for r in rows] == [
        ("6217999", "6222001", 50000.0, "工商银行"),
        ("6222001", "6228123", 30000.0, "农业银行"),
        ("6222001", "atm", 5000.0, None),
    ]
    assert rows[0]["time"] == datetime(2025, 3, 1, 9, 0)
    assert [r["channel"] for r in rows] == ["转账", "转账", "atm"]


def test_gb18030_files_are_read(tmp_path):
    rows = read_statement(write_csv(tmp_path, GOOD, "gb18030"), MAPPING)
    assert rows.num_rows == 3


def test_an_excel_statement_with_a_title_row_and_signed_amounts(tmp_path):
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.append(["账户明细 6222001"])
    sheet.append(["时间", "金额", "对方账号"])
    sheet.append([datetime(2025, 3, 1, 9, 0), 800.5, "6217999"])
    sheet.append([datetime(2025, 3, 1, 9, 5), -800.5, "6228123"])
    book.save(tmp_path / "s.xlsx")
    mapping = ColumnMapping(
        bank="招商银行", account_number="6222001", time="时间", amount="金额",
        counterparty="对方账号", header_row=2,
    )  # fmt: skip
    rows = read_statement(tmp_path / "s.xlsx", mapping).to_pylist()
    assert [(r["from_account"], r["to_account"]) for r in rows] == [
        ("6217999", "6222001"),
        ("6222001", "6228123"),
    ]
    assert [r["txn_id"] for r in rows] == [
        "招商银行:6222001:20250301090000-001",
        "招商银行:6222001:20250301090500-001",
    ]


def test_every_bad_cell_is_reported_by_row_and_column_and_nothing_is_returned(tmp_path):
    lines = [
        GOOD[0],
        "S2,6222001,2025/03/01 09:20,借,30000.00,6228123,农业银行,转账",
        "S3,6222001,2025-03-01 09:40:00,出借,abc,6228123,农业银行,转账",
        "S4,6222001,2025-03-01 09:50:00,借,10,,,转账",
    ]
    with pytest.raises(StatementErrors) as caught:
        read_statement(write_csv(tmp_path, lines), MAPPING)
    assert [(e.row, e.column, e.problem) for e in caught.value.errors] == [
        (3, "交易时间", "bad_time"),
        (4, "交易金额", "bad_amount"),
        (4, "借贷标志", "bad_direction"),
        (5, "对方账号", "missing_value"),
    ]
    assert caught.value.errors[0].value == "2025/03/01 09:20"


def test_errors_name_the_spreadsheet_row_past_blank_lines_and_line_breaks_in_cells(tmp_path):
    lines = [
        GOOD[0],  # row 2
        "",  # row 3, blank
        'S2,6222001,2025-03-01 09:20:00,借,300,6228123,农业银行,"转账\n房租"',  # row 4
        "S3,6222001,2025-03-01 09:30:00,借,300,6228123,农业银行,网银\u2028转账",  # row 5
        "S4,6222001,昨天,借,300,6228123,农业银行,转账",  # row 6
    ]
    with pytest.raises(StatementErrors) as caught:
        read_statement(write_csv(tmp_path, lines), MAPPING)
    assert [(e.row, e.problem) for e in caught.value.errors] == [(6, "bad_time")]


def test_workbook_errors_name_the_spreadsheet_row_past_empty_rows(tmp_path):
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.append(HEADER.split(","))
    sheet.append(["S1", "6222001", "2025-03-01 09:00:00", "贷", 5, "6217999", "建设银行", "转账"])
    sheet.append([])
    sheet.append([])  # rows 3 and 4 left empty
    sheet.append(["S2", "6222001", "昨天", "借", 5, "6228123"])
    book.save(tmp_path / "s.xlsx")
    with pytest.raises(StatementErrors) as caught:
        read_statement(tmp_path / "s.xlsx", MAPPING)
    assert [(e.row, e.problem) for e in caught.value.errors] == [(5, "bad_time")]


def test_a_missing_column_is_named_at_the_header_row(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("流水号,交易时间\nS1,2025-03-01 09:00:00\n")
    with pytest.raises(StatementErrors) as caught:
        read_statement(path, MAPPING)
    assert {(e.row, e.column, e.problem) for e in caught.value.errors} >= {
        (1, "交易金额", "missing_column"),
        (1, "对方账号", "missing_column"),
    }


def test_an_unreadable_workbook_is_one_clear_error(tmp_path):
    (tmp_path / "s.xlsx").write_bytes(b"not a workbook")
    with pytest.raises(StatementErrors) as caught:
        read_statement(tmp_path / "s.xlsx", MAPPING)
    assert caught.value.errors[0].problem == "unreadable"


def test_the_mapping_survives_json_and_rejects_unknown_keys():
    saved = json.loads(json.dumps(MAPPING.to_dict()))
    assert ColumnMapping.from_dict(saved) == MAPPING
    with pytest.raises(MappingError) as caught:
        ColumnMapping.from_dict({**saved, "colour": "red"})
    assert caught.value.field == "colour"


def test_statements_of_two_banks_trace_together(tmp_path):
    import pyarrow as pa  # type: ignore[import-untyped]

    first = read_statement(write_csv(tmp_path, GOOD), MAPPING)
    second_path = tmp_path / "second.csv"
    second_path.write_text(
        f"{HEADER}\nT1,6228123,2025-03-01 10:00:00,借,30000,6230555,中国银行,转账\n"
    )
    second = read_statement(second_path, MAPPING)
    result = trace(
        pa.concat_tables([first, second]), Start("6222001", 50000, datetime(2025, 3, 1, 9))
    )
    assert [(h.account, h.amount) for h in result.holdings] == [
        ("6230555", 30000.0),
        ("6222001", 15000.0),
    ]
    assert [c.amount for c in result.cash_outs] == [5000.0]


BALANCED = ColumnMapping(
    bank="工商银行", account_number="6222001", time="交易时间", amount="交易金额",
    counterparty="对方账号", balance="余额",
)  # fmt: skip


def balance_csv(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "balance.csv"
    path.write_text("\n".join(["交易时间,交易金额,对方账号,余额", *lines]), encoding="utf-8")
    return path


def test_the_balance_goes_on_the_statement_account_s_side_with_the_row(tmp_path):
    lines = ["2025-03-01 09:00:00,50000,6217999,51200.00", "2025-03-01 09:20:00,-30000,6228123,"]
    rows = read_statement(balance_csv(tmp_path, lines), BALANCED).to_pylist()
    assert [(r["from_balance"], r["to_balance"], r["row"]) for r in rows] == [
        (None, 51200.0, 2),
        (None, None, 3),  # an empty balance cell is no balance
    ]
    assert balance_breaks(read_statement(balance_csv(tmp_path, lines), BALANCED)) == []


def test_a_bad_balance_is_reported_by_row_and_column(tmp_path):
    lines = ["2025-03-01 09:00:00,50000,6217999,51200", "2025-03-01 09:20:00,-300,6228123,约五万"]
    with pytest.raises(StatementErrors) as caught:
        read_statement(balance_csv(tmp_path, lines), BALANCED)
    assert [(e.row, e.column, e.problem, e.value) for e in caught.value.errors] == [
        (3, "余额", "bad_amount", "约五万")
    ]


OLDEST_FIRST = [
    "2025-03-01 09:00:00,50000,6217999,51200",
    "2025-03-01 09:20:00,-30000,6228123,21200",
    # a withdrawal of 5,000 is missing here
    "2025-03-01 10:00:00,-1000,6228123,15200",
    "2025-03-01 11:00:00,800,6217999,16000",
]


def test_balance_breaks_name_the_rows_between_which_rows_are_missing(tmp_path):
    table = read_statement(balance_csv(tmp_path, OLDEST_FIRST), BALANCED)
    assert balance_breaks(table) == [BalanceBreak("6222001", (3, 4), -5000.0)]


def test_balance_breaks_read_a_statement_listed_newest_first(tmp_path):
    table = read_statement(balance_csv(tmp_path, OLDEST_FIRST[::-1]), BALANCED)
    assert balance_breaks(table) == [BalanceBreak("6222001", (3, 4), -5000.0)]


def test_a_continuous_statement_has_no_breaks_and_a_missing_credit_is_positive(tmp_path):
    continuous = [*OLDEST_FIRST[:2], "2025-03-01 10:00:00,-1000,6228123,20200"]
    assert balance_breaks(read_statement(balance_csv(tmp_path, continuous), BALANCED)) == []
    credit = [*OLDEST_FIRST[:2], "2025-03-01 10:00:00,-1000,6228123,22200"]
    table = read_statement(balance_csv(tmp_path, credit), BALANCED)
    assert balance_breaks(table) == [BalanceBreak("6222001", (3, 4), 2000.0)]


def test_the_statement_s_balance_opens_the_account_in_a_trace(tmp_path):
    # 6222001 held 1,200 before the victim's 50,000: FIFO sends those 1,200 on first.
    table = read_statement(balance_csv(tmp_path, OLDEST_FIRST[:2]), BALANCED)
    result = trace(table, Start("6222001", 50000, datetime(2025, 3, 1, 9)))
    assert [(h.account, h.amount) for h in result.holdings] == [
        ("6228123", 28800.0),
        ("6222001", 21200.0),
    ]


def test_rows_without_serial_numbers_are_numbered_in_time_order(tmp_path):
    # Newest first, two rows in the same second: the money came in before it went out, and
    # the trace applies same-second rows in id order.
    lines = [
        "2025-03-01 09:20:00,-30000,6228123,21200",
        "2025-03-01 09:00:00,-20000,6228999,51200",
        "2025-03-01 09:00:00,50000,6217999,71200",
    ]
    table = read_statement(balance_csv(tmp_path, lines), BALANCED)
    assert table["txn_id"].to_pylist() == [
        "工商银行:6222001:20250301092000-001",
        "工商银行:6222001:20250301090000-002",
        "工商银行:6222001:20250301090000-001",
    ]
    assert balance_breaks(table) == []
    # Without the balances (which would say the account held 21,200 before), FIFO sends the
    # victim money out in the 20,000 of the same second: it arrived first.
    unbalanced = read_statement(balance_csv(tmp_path, lines), replace(BALANCED, balance=None))
    result = trace(unbalanced, Start("6222001", 50000, datetime(2025, 3, 1, 9)))
    assert {f.to_account: f.attributed for f in result.flows if f.hop == 1} == {
        "6228999": 20000.0,
        "6228123": 30000.0,
    }


# One day's statement with dates only, newest row first: every row has the same time, so only
# the balances tell which way the file runs.
ONE_DAY_NEWEST_FIRST = [
    "2025-03-01,-30000,6228123,21200",
    "2025-03-01,-20000,6228999,51200",
    "2025-03-01,50000,6217999,71200",
]


def test_the_balances_tell_the_order_of_a_one_day_statement_with_dates_only(tmp_path):
    dated = replace(BALANCED, date_format="%Y-%m-%d")
    table = read_statement(balance_csv(tmp_path, ONE_DAY_NEWEST_FIRST), dated)
    assert table["txn_id"].to_pylist() == [
        "工商银行:6222001:20250301000000-003",
        "工商银行:6222001:20250301000000-002",
        "工商银行:6222001:20250301000000-001",
    ]
    assert balance_breaks(table) == []
    # the victim's 50,000 came in before both payments: FIFO sends the 21,200 the account
    # held before first, then victim money (read the other way round, none would leave)
    result = trace(table, Start("6222001", 50000, datetime(2025, 3, 1)))
    assert {f.to_account: f.attributed for f in result.flows if f.hop == 1} == {"6228123": 28800.0}
    # the same rows oldest first read the same way
    table = read_statement(balance_csv(tmp_path, ONE_DAY_NEWEST_FIRST[::-1]), dated)
    assert table["txn_id"].to_pylist()[0] == "工商银行:6222001:20250301000000-001"
    assert balance_breaks(table) == []


def test_without_balances_a_one_day_statement_is_read_oldest_first(tmp_path):
    dated = replace(BALANCED, date_format="%Y-%m-%d", balance=None)
    table = read_statement(balance_csv(tmp_path, ONE_DAY_NEWEST_FIRST), dated)
    assert table["txn_id"].to_pylist()[0] == "工商银行:6222001:20250301000000-001"


def test_two_statements_of_one_account_give_their_rows_different_ids(tmp_path):
    # January's and February's exports both start at their row 2: no row may be lost as a
    # duplicate of the other's, and a row exported twice keeps its id.
    january = read_statement(balance_csv(tmp_path, OLDEST_FIRST[:2]), BALANCED)
    february = read_statement(
        balance_csv(tmp_path, ["2025-04-01 09:00:00,-1000,6228123,20200"]), BALANCED
    )
    ids = january["txn_id"].to_pylist() + february["txn_id"].to_pylist()
    assert len(set(ids)) == 3
    again = read_statement(balance_csv(tmp_path, OLDEST_FIRST[:2]), BALANCED)
    assert again["txn_id"].to_pylist() == january["txn_id"].to_pylist()


TWO_COLUMNS = ColumnMapping(
    bank="建设银行", account_number="6217001", time="交易日期", amount="支出金额",
    credit_amount="存入金额", counterparty="对方账号", balance="账户余额",
)  # fmt: skip


def two_column_csv(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "two.csv"
    path.write_text("\n".join(["交易日期,支出金额,存入金额,账户余额,对方账号", *lines]))
    return path


def test_money_out_and_money_in_in_two_columns(tmp_path):
    lines = [
        "2025-03-01 09:00:00,,50000.00,50300.00,6217999",
        "2025-03-01 09:20:00,30000.00,,20300.00,6228123",
        "2025-03-01 09:30:00,0.00,0.00,20300.00,6228123",  # a notice: no money moves
        '2025-03-01 09:40:00,"1,000.00",0,19300.00,6228123',
    ]
    table = read_statement(two_column_csv(tmp_path, lines), TWO_COLUMNS)
    assert [(r["from_account"], r["to_account"], r["amount"]) for r in table.to_pylist()] == [
        ("6217999", "6217001", 50000.0),
        ("6217001", "6228123", 30000.0),
        ("6217001", "6228123", 1000.0),
    ]
    assert balance_breaks(table) == []


def test_a_row_with_both_amounts_or_a_bad_one_is_reported_by_row_and_column(tmp_path):
    lines = [
        "2025-03-01 09:00:00,100.00,50000.00,50300.00,6217999",
        "2025-03-01 09:20:00,三十,,20300.00,6228123",
    ]
    with pytest.raises(StatementErrors) as caught:
        read_statement(two_column_csv(tmp_path, lines), TWO_COLUMNS)
    assert [(e.row, e.column, e.problem, e.value) for e in caught.value.errors] == [
        (2, "存入金额", "both_amounts", "100.00 / 50000.00"),
        (3, "支出金额", "bad_amount", "三十"),
    ]
