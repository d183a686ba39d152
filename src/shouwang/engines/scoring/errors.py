"""Typed errors: the engine has no gettext, so callers translate these by their fields."""

from __future__ import annotations


class ScoringError(Exception):
    """Base of every error the scoring engine raises on purpose."""


class InputError(ScoringError):
    """A features, graph or records file cannot be used as given.

    ``problem`` is one of ``unreadable``, ``missing_column``, ``bad_value``, ``duplicate_id``,
    ``empty``, ``single_class`` (training labels lack a class), ``needs_graph`` (a graph model
    asked to score without the graph). ``row`` is the 1-based data row (the header is
    row 0) and ``column`` the column name, each None when the problem is not in one cell.
    """

    def __init__(
        self,
        problem: str,
        *,
        file: str = "",
        row: int | None = None,
        column: str | None = None,
        value: str = "",
    ) -> None:
        where = " ".join(
            part
            for part in (
                file,
                f"row {row}" if row is not None else "",
                f"column {column}" if column else "",
            )
            if part
        )
        shown = f" {value!r}" if value else ""
        super().__init__(f"{problem}{shown}" + (f" at {where}" if where else ""))
        self.problem = problem
        self.file = file
        self.row = row
        self.column = column
        self.value = value


class ModelDirError(ScoringError):
    """A model directory is missing a file, is unreadable, or was written by another version."""

    def __init__(self, problem: str, path: str) -> None:
        super().__init__(f"{problem}: {path}")
        self.problem = problem
        self.path = path
