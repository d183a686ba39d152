"""Candidate selection on Spark: the same rounds as DuckDB, in Spark SQL, for tables that
outgrow one machine. Only the selected rows come back to the driver; attribution is shared.

The session time zone must be UTC so that timestamps mean the same instants as in DuckDB.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa  # type: ignore[import-untyped]

from shouwang.engines.tracing.errors import TransactionsError
from shouwang.engines.tracing.model import BALANCE_COLUMNS, OPTIONAL_COLUMNS, REQUIRED_COLUMNS
from shouwang.engines.tracing.rows import Row
from shouwang.engines.tracing.timeconv import from_micros

_COLUMNS = (
    "unix_micros(CAST(time AS TIMESTAMP)), txn_id, from_account, to_account, "
    "CAST(amount AS DOUBLE), channel, bank, "
    "CAST(from_balance AS DOUBLE), CAST(to_balance AS DOUBLE)"
)


_ACCOUNTS_PER_QUERY = 1000
# Spark's CAST turns a value it cannot read into NULL, so types are checked before any cast,
# as DuckDB checks them: a balance column of text would otherwise vanish without a word.
_NUMERIC = {"byte", "short", "integer", "long", "float", "double", "decimal"}
_TIMES = {"timestamp", "timestamp_ntz", "date"}


def local_session() -> Any:
    """A local-mode session for tests and one-off runs (about ten seconds to start)."""
    from pyspark.sql import SparkSession

    # Workers must run the driver's Python: PySpark refuses mixed minor versions.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    return (
        SparkSession.builder.master("local[2]")
        .appName("shouwang-tracing")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )


def _frame(spark: Any, source: Any) -> Any:
    if isinstance(source, pl.DataFrame):
        source = source.to_arrow()
    if isinstance(source, pa.Table):
        return spark.createDataFrame(source)
    if isinstance(source, str | Path):
        path = str(source)
        if path.lower().endswith(".csv"):
            return spark.read.csv(path, header=True, inferSchema=True)
        return spark.read.parquet(path)
    if hasattr(source, "sparkSession"):
        return source
    raise TransactionsError("unsupported_source", detail=type(source).__name__)


def _literal(micros: int) -> str:
    return f"TIMESTAMP '{from_micros(micros).isoformat(sep=' ')}'"


@dataclass
class SparkSelector:
    spark: Any
    integer_accounts: bool

    @classmethod
    def over(cls, source: Any, spark: Any = None) -> SparkSelector:
        spark = spark or local_session()
        frame = _frame(spark, source)
        names = {f.name.lower(): f.dataType.typeName() for f in frame.schema.fields}
        for column in REQUIRED_COLUMNS:
            if column not in names:
                raise TransactionsError("missing_column", column, ", ".join(sorted(names)))
        _check_types(names)
        for column in OPTIONAL_COLUMNS:
            if column not in names:
                frame = frame.selectExpr("*", f"CAST(NULL AS STRING) AS {column}")
        for column in BALANCE_COLUMNS:
            if column not in names:
                frame = frame.selectExpr("*", f"CAST(NULL AS DOUBLE) AS {column}")
        frame.cache().createOrReplaceTempView("tr_txns")  # every round reads it again
        integer = names["from_account"] in {"long", "integer", "short", "byte"}
        return cls(spark, integer)

    def _frontier(self, accounts: list[str]) -> list[Any]:
        if not self.integer_accounts:
            return accounts
        return [int(a) for a in accounts if a.lstrip("-").isdigit()]

    def find_seed(self, account: str, amount: float, time: int) -> Row | None:
        native = self._frontier([account])
        if not native:
            return None
        found = self.spark.sql(
            f"""SELECT {_COLUMNS} FROM tr_txns
            WHERE to_account = :account AND CAST(time AS TIMESTAMP) = {_literal(time)}
              AND abs(amount - :amount) < 0.005
            ORDER BY txn_id LIMIT 1""",  # noqa: S608
            args={"account": native[0], "amount": amount},
        ).collect()
        return _row(found[0]) if found else None

    def fetch(self, accounts: list[str], start: int, end: int) -> list[Row]:
        native = self._frontier(accounts)
        if not native:
            return []
        # Accounts as literals: a frontier DataFrame would cost a Spark job of its own per round.
        rows: list[Any] = []
        for i in range(0, len(native), _ACCOUNTS_PER_QUERY):
            within = ", ".join(_sql(a) for a in native[i : i + _ACCOUNTS_PER_QUERY])
            rows += self.spark.sql(
                f"""SELECT {_COLUMNS} FROM tr_txns
                WHERE CAST(time AS TIMESTAMP) >= {_literal(start)}
                  AND CAST(time AS TIMESTAMP) <= {_literal(end)}
                  AND (from_account IN ({within}) OR to_account IN ({within}))"""  # noqa: S608
            ).collect()
        return [_row(r) for r in rows]


def _check_types(names: dict[str, str]) -> None:
    if names["amount"] not in _NUMERIC:
        raise TransactionsError("bad_type", "amount", names["amount"])
    if names["time"] not in _TIMES:
        raise TransactionsError("bad_type", "time", names["time"])
    for column in BALANCE_COLUMNS:
        kind = names.get(column)
        if kind is not None and kind not in _NUMERIC | {"null", "void"}:
            raise TransactionsError("bad_type", column, kind)


def _sql(value: Any) -> str:
    """An account as a Spark SQL literal (text quoted, quotes and backslashes escaped)."""
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("\\", "\\\\").replace("'", "\\'") + "'"


def _row(r: Any) -> Row:
    return Row(int(r[0]), r[1], str(r[2]), str(r[3]), float(r[4]), r[5], r[6], r[7], r[8])


__all__ = ["SparkSelector", "local_session"]
