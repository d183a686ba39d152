"""The statement's balance (余额) says what an account held before the victim money arrived."""

from __future__ import annotations

from datetime import timedelta

import polars as pl
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
import pytest

from shouwang.engines.tracing import (
    Ledger,
    Opening,
    Start,
    TraceResult,
    TransactionsError,
    trace,
)
from shouwang.engines.tracing.tests.tables import at, table

# M held 1,000 of its own before the victim paid 1,000 in at minute 0 (its statement's balance
# after that credit is 2,000); it then pays 1,000 to A and 1,000 to B. Only M's statement was
# obtained: the rows say nothing of how M came by its 1,000, the balance does.
ROWS = table(("V", "M", 1000, 0), ("M", "A", 1000, 5), ("M", "B", 1000, 6))
BALANCES = ROWS.append_column("from_balance", pa.array([None, 1000.0, 0.0], pa.float64()))
BALANCES = BALANCES.append_column("to_balance", pa.array([2000.0, None, None], pa.float64()))
START = Start("M", 1000, at(0))


def held(result: TraceResult, account: str) -> float:
    return next((h.amount for h in result.holdings if h.account == account), 0.0)


def test_without_a_balance_the_victim_money_is_the_first_to_leave():
    result = trace(ROWS, START)
    assert held(result, "A") == pytest.approx(1000)
    assert held(result, "B") == 0.0


def test_fifo_sends_the_money_the_balance_shows_first():
    result = trace(BALANCES, START)
    assert result.openings == (Opening("M", 1000.0, at(0)),)
    assert list(result.to_dict()["openings"]) == [
        {"account": "M", "amount": 1000.0, "time": "2025-03-01T09:00:00"}
    ]
    assert held(result, "A") == 0.0
    assert held(result, "B") == pytest.approx(1000)


def test_haircut_splits_against_the_balance():
    result = trace(BALANCES, START, rule="haircut")
    assert held(result, "A") == pytest.approx(500)
    assert held(result, "B") == pytest.approx(500)


def test_match_still_pairs_a_payment_in_with_the_payment_out_that_passes_it_on():
    rows = table(("V", "M", 1000, 0), ("M", "A", 990, 5))
    rows = rows.append_column("from_balance", pa.array([None, 5010.0], pa.float64()))
    rows = rows.append_column("to_balance", pa.array([6000.0, None], pa.float64()))
    result = trace(rows, START, rule="match")
    assert held(result, "A") == pytest.approx(990)
    assert held(result, "M") == pytest.approx(10)


def test_a_balance_below_what_the_rows_show_changes_nothing():
    # The rows already account for more than the balance says: nothing is taken away.
    low = BALANCES.set_column(8, "to_balance", pa.array([500.0, None, None], pa.float64()))
    result = trace(low, START)
    assert result.holdings == trace(ROWS, START).holdings
    assert result.openings == ()


def test_only_the_first_balance_of_an_account_opens_it():
    # Later balances that disagree with the rows (a missing row) do not add money a second time.
    later = BALANCES.set_column(7, "from_balance", pa.array([None, 1000.0, 700.0], pa.float64()))
    assert trace(later, START).holdings == trace(BALANCES, START).holdings


def test_the_balance_of_a_row_before_an_account_s_history_is_not_read():
    # M's history (an hour back) holds a payment to N at -30 with N's balance then, 5,200. N's
    # own history starts an hour before the money reaches it, at 40: what N did between -30 and
    # 40 is unknown, so that balance says nothing of what N held at 100.
    rows = table(("M", "N", 200, -30), ("V", "M", 1000, 0), ("M", "N", 1000, 100),
                 ("N", "C", 1000, 105))  # fmt: skip
    rows = rows.append_column("from_balance", pa.nulls(4, pa.float64()))
    rows = rows.append_column("to_balance", pa.array([5200.0, None, None, None], pa.float64()))
    result = trace(rows, START, lookback=timedelta(hours=1))
    assert held(result, "C") == pytest.approx(1000)


def test_every_source_reads_the_balances(tmp_path):
    expected = trace(BALANCES, START)
    pq.write_table(BALANCES, tmp_path / "t.parquet")
    for source in (
        tmp_path / "t.parquet",
        pl.from_arrow(BALANCES),
        Ledger.load(BALANCES),
        Ledger.load(tmp_path / "t.parquet", database=tmp_path / "ledger.duckdb"),
    ):
        assert trace(source, START) == expected, type(source)


def test_a_balance_column_of_text_is_refused():
    text = BALANCES.set_column(7, "from_balance", pa.array(["", "1000", "0"]))
    with pytest.raises(TransactionsError) as caught:
        trace(text, START)
    assert (caught.value.problem, caught.value.column) == ("bad_type", "from_balance")


def test_a_balance_column_of_nulls_is_no_balance():
    nulls = ROWS.append_column("from_balance", pa.nulls(3)).append_column("to_balance", pa.nulls(3))
    assert trace(nulls, START) == trace(ROWS, START)


def test_a_lookback_and_a_balance_agree():
    # With the earlier row in the table, the lookback finds the same 1,000 the balance shows.
    history = table(("X", "M", 1000, -10), ("V", "M", 1000, 0), ("M", "A", 1000, 5),
                    ("M", "B", 1000, 6))  # fmt: skip
    looked_back = trace(history, START, lookback=timedelta(hours=1))
    assert held(looked_back, "A") == held(trace(BALANCES, START), "A") == 0.0
