"""DuckDB and Spark (local mode) select the same candidates, so the traces are equal."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import duckdb
import pyarrow.parquet as pq  # type: ignore[import-untyped]
import pytest

from shouwang.engines.tracing import MatchLimits, Start, trace
from shouwang.engines.tracing.tests.tables import data_dir

EDGES = data_dir() / "amlsim" / "edges.csv"


@pytest.mark.skipif(not EDGES.exists(), reason="../shared/data/amlsim is missing")
def test_spark_and_duckdb_return_the_same_flows(tmp_path):
    from shouwang.engines.tracing.spark_source import local_session

    # the first 12 days of AMLSim: 2,000 ordinary payments and the first chain's early stages;
    # some payees' balances given, so that both backends must carry them
    rows = duckdb.sql(
        f"""SELECT CAST(id AS VARCHAR) AS txn_id, src AS from_account, dst AS to_account,
            amount, TIMESTAMP '2017-01-01' + to_days(CAST(step AS INT)) AS time,
            CASE WHEN id % 97 = 5 THEN 'atm' ELSE 'transfer' END AS channel,
            CAST(NULL AS DOUBLE) AS from_balance,
            CASE WHEN id % 7 = 3 THEN amount * 2 END AS to_balance
        FROM read_csv('{EDGES}', header = true) WHERE step < 12"""  # noqa: S608
    ).arrow()
    rows = rows.read_all() if hasattr(rows, "read_all") else rows
    pq.write_table(rows, tmp_path / "rows.parquet")  # Spark reads files faster than Arrow
    start = Start("112", 574.27, rows["time"][0].as_py().replace(day=2))
    spark = local_session()
    # Spark answers each round in seconds, not milliseconds: three rules, three hops
    for rule in ("fifo", "haircut", "match"):
        limits: dict[str, Any] = {"rule": rule, "max_hops": 3, "window": timedelta(days=6)}
        limits["match"] = MatchLimits(within=timedelta(days=5))  # ignored by fifo and haircut
        on_duckdb = trace(rows, start, **limits)
        on_spark = trace(tmp_path / "rows.parquet", start, backend="spark", spark=spark, **limits)
        assert len(on_duckdb.flows) > 3
        assert on_spark.flows == on_duckdb.flows
        assert on_spark.holdings == on_duckdb.holdings
        assert on_spark.cash_outs == on_duckdb.cash_outs


@pytest.mark.parametrize(
    ("column", "values"),
    [("amount", ["5000", "300"]), ("to_balance", ["8000", "x"]), ("time", ["yesterday", "today"])],
)
def test_spark_refuses_what_duckdb_refuses(column, values):
    """Spark's CAST reads unreadable text as NULL; such a column is refused, as on DuckDB."""
    from datetime import datetime

    import pyarrow as pa

    from shouwang.engines.tracing.errors import TransactionsError
    from shouwang.engines.tracing.spark_source import local_session

    table = {
        "txn_id": ["t1", "t2"],
        "from_account": ["victim", "mule"],
        "to_account": ["mule", "cash"],
        "amount": [5000.0, 300.0],
        "time": [datetime(2024, 3, 1, 9), datetime(2024, 3, 1, 10)],
        "to_balance": [8000.0, None],
    }
    table[column] = values
    start = Start("mule", 5000.0, datetime(2024, 3, 1, 9))
    for backend in ("duckdb", "spark"):
        spark = local_session() if backend == "spark" else None
        with pytest.raises(TransactionsError) as caught:
            trace(pa.table(table), start, backend=backend, spark=spark)
        assert (caught.value.problem, caught.value.column) == ("bad_type", column)
