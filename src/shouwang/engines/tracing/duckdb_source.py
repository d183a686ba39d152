"""Candidate selection on DuckDB, in process: the default backend.

Each round asks for every transaction, within the time window, of the accounts the money has
newly reached (both directions: the incoming ones set the balance the victim money is mixed
with). On a ``Ledger`` that is one lookup per account in copies sorted by account; on a plain
file or table it is one scan of the window with the accounts as a list.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pyarrow as pa  # type: ignore[import-untyped]

from shouwang.engines.tracing.errors import TransactionsError
from shouwang.engines.tracing.model import BALANCE_COLUMNS, OPTIONAL_COLUMNS, REQUIRED_COLUMNS
from shouwang.engines.tracing.rows import Row
from shouwang.engines.tracing.timeconv import from_micros

type TransactionSource = str | Path | pa.Table | pl.DataFrame | duckdb.DuckDBPyRelation

_NUMERIC = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "FLOAT", "DOUBLE", "DECIMAL")
_INTEGER = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT")
_COLUMNS = "epoch_us(time), txn_id, from_account, to_account, amount, channel, bank"
_INLINE_ACCOUNTS = 200
_LOOKUPS_PER_QUERY = 50
_TIMES = ("TIMESTAMP", "DATE", "TIMESTAMP_NS", "TIMESTAMP_MS", "TIMESTAMP_S")


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _attach(con: duckdb.DuckDBPyConnection, source: TransactionSource, name: str) -> None:
    """Make ``source`` queryable as ``name`` in ``con`` without copying files."""
    if isinstance(source, duckdb.DuckDBPyRelation):
        # A relation cannot be queried from another connection: its rows come over as Arrow.
        source = source.arrow()
        if isinstance(source, pa.RecordBatchReader):
            source = source.read_all()
    if isinstance(source, pl.DataFrame):
        source = source.to_arrow()
    if isinstance(source, pa.Table):
        con.register(name, source)
        return
    if not isinstance(source, str | Path):
        raise TransactionsError("unsupported_source", detail=type(source).__name__)
    path = Path(source)
    suffix = path.suffix.lower()
    if suffix == ".parquet" or path.is_dir():
        pattern = path / "**" / "*.parquet" if path.is_dir() else path
        reader = f"read_parquet({_literal(pattern)})"
    elif suffix in {".csv", ".txt"}:
        # Account numbers and serial numbers keep their leading zeros.
        reader = (
            f"read_csv({_literal(path)}, header = true, types = {{'txn_id': 'VARCHAR', "
            "'from_account': 'VARCHAR', 'to_account': 'VARCHAR'})"
        )
    else:
        raise TransactionsError("unsupported_source", detail=path.name)
    try:
        con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT * FROM {reader}")  # noqa: S608
    except duckdb.Error as exc:
        raise TransactionsError("unreadable", detail=str(exc).splitlines()[0]) from exc


def normalised_select(con: duckdb.DuckDBPyConnection, name: str) -> str:
    """The SELECT list that turns ``name`` into the engine's columns, checking each one."""
    try:
        described = con.execute(f"DESCRIBE SELECT * FROM {name}").fetchall()  # noqa: S608
    except duckdb.Error as exc:
        raise TransactionsError("unreadable", detail=str(exc).splitlines()[0]) from exc
    types = {str(row[0]).lower(): str(row[1]).upper() for row in described}
    for column in REQUIRED_COLUMNS:
        if column not in types:
            raise TransactionsError("missing_column", column, ", ".join(sorted(types)))
    if not types["amount"].startswith(_NUMERIC):
        raise TransactionsError("bad_type", "amount", types["amount"])
    time_type = types["time"]
    if time_type == "TIMESTAMP WITH TIME ZONE":
        time_sql = "timezone('UTC', time) AS time"
    elif time_type in _TIMES:
        time_sql = "time" if time_type == "TIMESTAMP" else "CAST(time AS TIMESTAMP) AS time"
    else:
        raise TransactionsError("bad_type", "time", time_type)
    amount_sql = "amount" if types["amount"] == "DOUBLE" else "CAST(amount AS DOUBLE) AS amount"
    parts = ["txn_id", "from_account", "to_account", amount_sql, time_sql]
    parts += [c if c in types else f"CAST(NULL AS VARCHAR) AS {c}" for c in OPTIONAL_COLUMNS]
    for column in BALANCE_COLUMNS:
        kind = types.get(column)
        if kind is not None and kind != "NULL" and not kind.startswith(_NUMERIC):
            raise TransactionsError("bad_type", column, kind)
        parts.append(f"CAST({column if kind else 'NULL'} AS DOUBLE) AS {column}")
    return ", ".join(parts)


@dataclass
class DuckDBSelector:
    """Candidate selection on one DuckDB connection over a view or table of transactions."""

    con: duckdb.DuckDBPyConnection
    table: str
    integer_accounts: bool
    # With a Ledger: ``table`` is sorted by (from_account, time) and ``incoming`` is the same
    # rows sorted by (to_account, time), so rounds look accounts up instead of scanning.
    incoming: str | None = None
    columns: str = ""  # the SELECT list of a row; ``selected_columns`` of the table

    def __post_init__(self) -> None:
        self.columns = self.columns or selected_columns(self.con, self.table)

    @classmethod
    def over(cls, source: TransactionSource) -> DuckDBSelector:
        con = duckdb.connect()
        _attach(con, source, "tr_source")
        select = normalised_select(con, "tr_source")
        con.execute(f"CREATE TEMP VIEW tr_txns AS SELECT {select} FROM tr_source")  # noqa: S608
        return cls(con, "tr_txns", _account_is_integer(con, "tr_txns"))

    def native(self, accounts: list[str]) -> list[Any]:
        if not self.integer_accounts:
            return accounts
        return [int(a) for a in accounts if a.lstrip("-").isdigit()]

    def find_seed(self, account: str, amount: float, time: int) -> Row | None:
        native = self.native([account])
        if not native:
            return None
        found = self.con.execute(
            f"""SELECT {self.columns} FROM {self.incoming or self.table}
            WHERE to_account = {_sql(native[0])} AND time = {_timestamp(time)}
              AND abs(amount - {float(amount)!r}) < 0.005
            ORDER BY txn_id LIMIT 1"""  # noqa: S608
        ).fetchone()
        return _row(found) if found else None

    def fetch(self, accounts: list[str], start: int, end: int) -> list[Row]:
        """Every transaction in [start, end] from or to one of ``accounts``."""
        native = self.native(accounts)
        if not native:
            return []
        window = f"time BETWEEN {_timestamp(start)} AND {_timestamp(end)}"
        if self.incoming is not None:
            return self._look_up(native, window)
        if len(native) <= _INLINE_ACCOUNTS:
            # Literals, not parameters: the Python client spends ~0.1 ms on each parameter,
            # more than the query itself on a short list.
            within = ", ".join(_sql(a) for a in native)
            accounts_sql = f"(from_account IN ({within}) OR to_account IN ({within}))"
        else:
            kind = pa.int64() if self.integer_accounts else pa.string()
            self.con.register("tr_frontier", pa.table({"a": pa.array(native, kind)}))
            accounts_sql = (
                "(from_account IN (SELECT a FROM tr_frontier)"
                " OR to_account IN (SELECT a FROM tr_frontier))"
            )
        rows = self.con.execute(
            f"SELECT {self.columns} FROM {self.table} WHERE {window} AND {accounts_sql}"  # noqa: S608
        ).fetchall()
        if len(native) > _INLINE_ACCOUNTS:
            self.con.unregister("tr_frontier")
        return [_row(r) for r in rows]

    def _look_up(self, accounts: list[Any], window: str) -> list[Row]:
        """One equality per account and direction: each is pruned to its account's row groups
        (an IN list is not, it becomes a join over the whole table)."""
        rows: list[Row] = []
        for i in range(0, len(accounts), _LOOKUPS_PER_QUERY):
            chunk = accounts[i : i + _LOOKUPS_PER_QUERY]
            parts = [
                f"SELECT {self.columns} FROM {table} WHERE {column} = {_sql(a)} AND {window}"  # noqa: S608
                for table, column in ((self.table, "from_account"), (self.incoming, "to_account"))
                for a in chunk
            ]
            found = self.con.execute(" UNION ALL ".join(parts)).fetchall()
            rows.extend(_row(r) for r in found)
        return rows


def selected_columns(con: duckdb.DuckDBPyConnection, table: str) -> str:
    """The columns a ``Row`` is made of; a ledger without balances stores none (NULL here)."""
    described = con.execute(f"DESCRIBE SELECT * FROM {table}").fetchall()  # noqa: S608
    present = {str(row[0]).lower() for row in described}
    balances = [c if c in present else "NULL" for c in BALANCE_COLUMNS]
    return ", ".join([_COLUMNS, *balances])


def _timestamp(micros: int) -> str:
    # A literal, not make_timestamp(): the scan's zone maps prune on literals only.
    return f"TIMESTAMP '{from_micros(micros).isoformat(sep=' ')}'"


def _sql(value: Any) -> str:
    """An account as a SQL literal: integers as they are, text quoted with quotes doubled."""
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def _account_is_integer(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    described = con.execute(f"DESCRIBE SELECT from_account, to_account FROM {table}").fetchall()  # noqa: S608
    kinds = {str(row[1]).upper().startswith(_INTEGER) for row in described}
    if len(kinds) != 1:
        raise TransactionsError("bad_type", "to_account", "from_account and to_account differ")
    return kinds.pop()


def _row(r: tuple[Any, ...]) -> Row:
    return Row(int(r[0]), r[1], str(r[2]), str(r[3]), float(r[4]), r[5], r[6], r[7], r[8])
