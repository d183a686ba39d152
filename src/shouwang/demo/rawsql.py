"""Fast, portable inserts of many rows with ids chosen by the caller.

`bulk_create` cannot insert multi-table-inheritance children (a Hazard is a Case), and it
stamps `auto_now`/`auto_now_add` fields with the current time, which a year of history must
not have. So the generator writes rows itself, column by column from the model's own fields,
converting dates and JSON with the backend's adapters as the ORM would: multi-row
`INSERT ... VALUES` statements on SQLite, `COPY ... FROM STDIN` on PostgreSQL.

Ids are allocated from the table's current maximum; the sequences are reset afterwards.
That is only safe while nothing else writes these tables, which holds for a demo load into
an empty database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Max, Model

# Well under every backend's limit on parameters per statement.
_MAX_PARAMS = 30_000


def _converter(field: Field[Any, Any], db: BaseDatabaseWrapper) -> Callable[[Any], Any] | None:
    """How the ORM turns a Python value of `field` into a query parameter, or None when the
    value is passed as it is (strings, numbers, booleans, foreign key ids).

    Dates and JSON go straight to the backend's adapters (what `get_db_prep_save` ends in):
    the generic path costs more than the rest of the generator at 200,000 hazards.
    """
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        return db.ops.adapt_datetimefield_value
    if kind == "DateField":
        return db.ops.adapt_datefield_value
    if kind == "JSONField":
        encoder = getattr(field, "encoder", None)
        return lambda value: db.ops.adapt_json_value(value, encoder)
    if kind == "FileField":
        return str
    return None


class RawTable:
    """One table's columns, in `local_concrete_fields` order, and how to convert values."""

    def __init__(self, model: type[Model]) -> None:
        self.model = model
        # The connection itself, not the per-thread proxy, which costs a lookup per access.
        self.db = connections[DEFAULT_DB_ALIAS]
        fields = list(model._meta.local_concrete_fields)
        self.attnames = [f.attname for f in fields]
        self.table = model._meta.db_table
        quote = self.db.ops.quote_name
        self._columns = ", ".join(quote(str(f.column)) for f in fields)
        self._defaults: dict[str, Any] = {
            f.attname: f.get_default() for f in fields if f.has_default() or f.null
        }
        self._converters = [
            (i, convert)
            for i, f in enumerate(fields)
            if (convert := _converter(f, self.db)) is not None
        ]
        self._rows_per_statement = max(1, min(1000, _MAX_PARAMS // len(fields)))

    def next_id(self) -> int:
        top = self.model._base_manager.aggregate(top=Max("pk"))["top"]
        return int(top or 0) + 1

    def _values(self, row: Mapping[str, Any]) -> list[Any]:
        defaults = self._defaults
        values = [row[n] if n in row else defaults[n] for n in self.attnames]
        for i, convert in self._converters:
            if values[i] is not None:
                values[i] = convert(values[i])
        return values

    def insert(self, rows: Sequence[Mapping[str, Any]]) -> None:
        if not rows:
            return
        if self.db.vendor == "postgresql":
            self._copy(rows)
        else:
            self._insert_values(rows)

    def _copy(self, rows: Sequence[Mapping[str, Any]]) -> None:
        # COPY is ~7x faster than multi-row INSERTs here: psycopg parses the placeholders of
        # every long INSERT anew, and executemany() goes one round trip per row.
        table = self.db.ops.quote_name(self.table)
        sql = f"COPY {table} ({self._columns}) FROM STDIN"
        with self.db.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(self._values(row))

    def _insert_values(self, rows: Sequence[Mapping[str, Any]]) -> None:
        width = len(self.attnames)
        one = "(" + ", ".join(["%s"] * width) + ")"
        step = self._rows_per_statement
        with self.db.cursor() as cursor:
            for start in range(0, len(rows), step):
                chunk = rows[start : start + step]
                params: list[Any] = []
                for row in chunk:
                    params.extend(self._values(row))
                # Table and column names come from the model and are quoted; values are
                # parameters.
                sql = (
                    f"INSERT INTO {self.db.ops.quote_name(self.table)} ({self._columns}) "  # noqa: S608
                    f"VALUES {', '.join([one] * len(chunk))}"
                )
                cursor.execute(sql, params)


def reset_sequences(models: Iterable[type[Model]]) -> None:
    """Point each table's id sequence past the ids written by hand (a no-op on SQLite)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
