"""``field__in_many=values``: membership in a long list of values, sent as one parameter.

Django's ``__in`` prepares each value as a parameter of its own, a few microseconds apiece: in
`bench/warning_ingest.py` reading the blocklist members among a batch's few thousand values
spent nine tenths of its time there, and SQLite caps the parameters of one statement. This
lookup sends the values as one array (PostgreSQL, ``= ANY``) or one JSON text (SQLite,
``json_each``); both still look each value up in the column's index."""

from __future__ import annotations

import json
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import CharField, Lookup
from django.db.models.sql.compiler import SQLCompiler


@CharField.register_lookup
class InMany(Lookup[Any]):
    lookup_name = "in_many"
    prepare_rhs = False

    def get_db_prep_lookup(self, value: Any, connection: BaseDatabaseWrapper) -> Any:
        values = [str(v) for v in value]
        if connection.vendor == "postgresql":
            return "%s::text[]", [values]
        return "%s", [json.dumps(values, ensure_ascii=False)]

    def as_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> Any:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        if connection.vendor == "postgresql":
            sql = f"{lhs} = ANY({rhs})"
        else:
            # lhs and rhs are the compiler's column and placeholder, never a value.
            sql = f"{lhs} IN (SELECT value FROM json_each({rhs}))"  # noqa: S608
        return sql, [*lhs_params, *rhs_params]
