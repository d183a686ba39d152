"""Lookups that take any integer: one past the 64-bit range matches no row.

Django answers an ``IntegerField``'s ``exact`` with such a value by matching nothing, but not
its ``in``, nor lookups through a foreign key or a parent link (a hazard's or a fraud report's
id is the link to its case): there the value reached SQLite's driver, which raises, and a filter
such as ``?report=10**30`` or an indicator naming institution ``10**30`` was a server error.
Registered under the same names, these replace Django's ``exact`` and ``in`` of foreign keys
and the ``in`` of integer fields."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import IntegerField
from django.db.models.fields.related import ForeignObject
from django.db.models.fields.related_lookups import RelatedExact, RelatedIn
from django.db.models.lookups import In
from django.db.models.sql.compiler import SQLCompiler

_LOW, _HIGH = -(2**63), 2**63 - 1


def _out_of_range(value: Any) -> bool:
    return isinstance(value, int) and not _LOW <= value <= _HIGH


class InRangeExact(RelatedExact):
    def process_rhs(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> Any:
        if _out_of_range(self.rhs):
            raise EmptyResultSet
        return super().process_rhs(compiler, connection)


class _InRangeValues:
    rhs: Any

    def process_rhs(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> Any:
        if isinstance(self.rhs, list | tuple | set | frozenset):
            self.rhs = [v for v in self.rhs if not _out_of_range(v)]
            if not self.rhs:
                raise EmptyResultSet
        return super().process_rhs(compiler, connection)  # type: ignore[misc]


class InRangeRelatedIn(_InRangeValues, RelatedIn):
    pass


class InRangeIntegerIn(_InRangeValues, In):
    pass


def register() -> None:
    ForeignObject.register_lookup(InRangeExact)
    ForeignObject.register_lookup(InRangeRelatedIn)
    IntegerField.register_lookup(InRangeIntegerIn)
