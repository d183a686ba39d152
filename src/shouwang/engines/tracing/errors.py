"""Typed errors: the engine has no gettext, so callers translate these by their fields."""

from __future__ import annotations


class TracingError(Exception):
    """Base of every error the tracing engine raises on purpose."""


class ParameterError(TracingError):
    """A trace parameter is out of range: ``name`` says which, ``value`` what was given."""

    def __init__(self, name: str, value: object) -> None:
        super().__init__(f"invalid {name}: {value!r}")
        self.name = name
        self.value = value


class TransactionsError(TracingError):
    """The transactions table cannot be read as one: ``column`` is None for the whole table.

    ``problem`` is one of ``unreadable``, ``unsupported_source``, ``missing_column``,
    ``bad_type``.
    """

    def __init__(self, problem: str, column: str | None = None, detail: str = "") -> None:
        where = f" (column {column})" if column else ""
        super().__init__(f"{problem}{where}: {detail}" if detail else f"{problem}{where}")
        self.problem = problem
        self.column = column
        self.detail = detail
