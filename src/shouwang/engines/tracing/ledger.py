"""A transactions table loaded once into DuckDB and sorted by time, for many traces.

Sorting by time lets the window predicate skip every row group outside the window, so a trace
reads about window / span of the table whatever its size. Loading is the engine's ingest step;
the benchmark reports its rate.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from shouwang.engines.tracing.duckdb_source import (
    DuckDBSelector,
    TransactionSource,
    _account_is_integer,
    _attach,
    normalised_select,
)
from shouwang.engines.tracing.model import OPTIONAL_COLUMNS

_TABLE = "tr_ledger"


def _as_enum(con: duckdb.DuckDBPyConnection, column: str) -> str:
    """Channel and bank as ENUM: scans compare small integers instead of decoding text."""
    kind = f"tr_{column}_enum"
    con.execute(f"DROP TYPE IF EXISTS {kind}")
    row = con.execute(
        f"SELECT count(DISTINCT {column}) FROM tr_normal WHERE {column} IS NOT NULL"  # noqa: S608
    ).fetchone()
    if not row or row[0] == 0:
        return column
    con.execute(
        f"CREATE TYPE {kind} AS ENUM ("  # noqa: S608
        f"SELECT DISTINCT {column} FROM tr_normal WHERE {column} IS NOT NULL)"
    )
    return f"CAST({column} AS {kind}) AS {column}"


class Ledger:
    """``Ledger.load(source)`` once, then ``trace(ledger, ...)`` as often as needed."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.integer_accounts = _account_is_integer(con, _TABLE)

    @classmethod
    def load(cls, source: TransactionSource, database: str | Path | None = None) -> Ledger:
        """Read ``source`` into a DuckDB table (in memory, or in the ``database`` file)."""
        con = duckdb.connect(str(database) if database else ":memory:")
        _attach(con, source, "tr_source")
        select = normalised_select(con, "tr_source")
        con.execute(f"CREATE OR REPLACE TEMP VIEW tr_normal AS SELECT {select} FROM tr_source")  # noqa: S608
        columns = ["txn_id", "from_account", "to_account", "amount", "time"]
        for column in OPTIONAL_COLUMNS:
            columns.append(_as_enum(con, column))
        con.execute(
            f"CREATE OR REPLACE TABLE {_TABLE} AS SELECT {', '.join(columns)} FROM tr_normal "  # noqa: S608
            "ORDER BY time"
        )
        con.execute("DROP VIEW tr_normal")
        con.execute("DROP VIEW IF EXISTS tr_source")
        return cls(con)

    @classmethod
    def open(cls, database: str | Path) -> Ledger:
        """Open a DuckDB file that ``Ledger.load(..., database=...)`` wrote."""
        return cls(duckdb.connect(str(database)))

    def __len__(self) -> int:
        row = self.con.execute(f"SELECT count(*) FROM {_TABLE}").fetchone()  # noqa: S608
        return int(row[0]) if row else 0

    def selector(self) -> DuckDBSelector:
        # One cursor per trace: traces may run in several threads over one ledger.
        return DuckDBSelector(self.con.cursor(), _TABLE, self.integer_accounts)

    def close(self) -> None:
        self.con.close()
