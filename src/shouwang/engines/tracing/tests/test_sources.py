"""Every kind of input gives the same trace; bad tables say what is wrong; no Django."""

from __future__ import annotations

import subprocess
import sys

import duckdb
import polars as pl
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.csv  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
import pytest

from shouwang.engines.tracing import Ledger, Start, TransactionsError, trace
from shouwang.engines.tracing.tests.tables import at, table

ROWS = table(
    ("V", "M", 900, 0), ("M", "A", 200, 1), ("M", "B", 600, 2), ("B", "C", 600, 3),
    ("C", "ATM", 100, 4, "atm"),
)  # fmt: skip
START = Start("M", 900, at(0))


def test_every_source_kind_gives_the_same_flows(tmp_path):
    expected = trace(ROWS, START)
    pq.write_table(ROWS, tmp_path / "t.parquet")
    pyarrow.csv.write_csv(ROWS, tmp_path / "t.csv")
    con = duckdb.connect()
    con.register("rows", ROWS)
    sources = [
        tmp_path / "t.parquet",
        str(tmp_path / "t.csv"),
        pl.from_arrow(ROWS),
        con.sql("SELECT * FROM rows"),
        Ledger.load(ROWS),
        Ledger.load(tmp_path / "t.parquet", database=tmp_path / "ledger.duckdb"),
    ]
    for source in sources:
        assert trace(source, START) == expected, type(source)
    assert len(Ledger.open(tmp_path / "ledger.duckdb")) == ROWS.num_rows
    assert [h.account for h in expected.holdings] == ["C", "A", "M"]


def test_integer_account_numbers_work_and_come_back_as_text():
    rows = ROWS.set_column(1, "from_account", pa.array([1, 2, 2, 3, 4]))
    rows = rows.set_column(2, "to_account", pa.array([2, 5, 3, 4, 9]))
    result = trace(rows, Start("2", 900, at(0)))
    assert [h.account for h in result.holdings] == ["4", "5", "2"]


def test_a_missing_column_is_named():
    with pytest.raises(TransactionsError) as caught:
        trace(ROWS.drop_columns(["amount"]), START)
    assert (caught.value.problem, caught.value.column) == ("missing_column", "amount")


def test_a_time_column_of_text_is_refused():
    rows = ROWS.set_column(4, "time", pa.array(["x"] * ROWS.num_rows))
    with pytest.raises(TransactionsError) as caught:
        trace(rows, START)
    assert (caught.value.problem, caught.value.column) == ("bad_type", "time")


def test_an_unknown_file_kind_is_refused(tmp_path):
    (tmp_path / "t.json").write_text("[]")
    with pytest.raises(TransactionsError) as caught:
        trace(tmp_path / "t.json", START)
    assert caught.value.problem == "unsupported_source"


def test_the_engine_does_not_import_django():
    code = (
        "import sys, shouwang.engines.tracing as t; "
        "import shouwang.engines.tracing.spark_source; "
        "assert not [m for m in sys.modules if m == 'django' or m.startswith('django.')]; "
        "assert not [m for m in sys.modules if m.startswith('shouwang.') and "
        "not m.startswith('shouwang.engines')]"
    )
    subprocess.run([sys.executable, "-c", code], check=True)  # noqa: S603  our own interpreter and arguments


def test_a_ledger_and_a_plain_table_agree_on_a_wide_frontier():
    # 300 receivers in one round: the plain table registers the frontier as a table, the ledger
    # looks accounts up 50 at a time.
    fan = [("M", f"R{i:03d}", 10, 1 + i / 100) for i in range(300)]
    onward = [(f"R{i:03d}", "Z", 10, 5) for i in range(300)]
    rows = table(("V", "M", 3000, 0), *fan, *onward)
    plain = trace(rows, Start("M", 3000, at(0)), rule="poison")
    assert trace(Ledger.load(rows), Start("M", 3000, at(0)), rule="poison") == plain
    assert len(plain.flows) == 601


def test_account_numbers_with_quotes_are_literals_not_sql():
    rows = table(("V", "O'Neil", 500, 0), ("O'Neil", "x'); DROP TABLE tr_out; --", 500, 1))
    ledger = Ledger.load(rows)
    result = trace(ledger, Start("O'Neil", 500, at(0)))
    assert [h.account for h in result.holdings] == ["x'); DROP TABLE tr_out; --"]
    assert len(ledger) == 2
