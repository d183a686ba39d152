"""The rows of an uploaded CSV text or worksheet, numbered as a spreadsheet shows them.

Every importer's errors name rows this way, so "row 7" is the row a person sees when the file is
opened in Excel, WPS or LibreOffice: the first line of the file is row 1 (usually the header), a
blank line is an empty row and keeps its number, and a quoted cell with line breaks in it is one
row. Counting lines instead (``splitlines``, ``reader.line_num``) breaks on such cells, and
``csv.DictReader`` drops blank lines, so neither may number rows.

Here, with no Django import, so that the engines (bank statements) and the apps (hazard ledgers,
incident files, model scores, the fraud command's outcomes) share it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from typing import Protocol

type Dialect = csv.Dialect | type[csv.Dialect]


class _Sheet(Protocol):
    def iter_rows(self, *, values_only: bool) -> Iterator[tuple[object, ...]]: ...


def csv_rows(
    text: str, dialect: Dialect = csv.excel, *, delimiter: str | None = None
) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells) for every record of ``text``; a blank line gives no cells.

    The text is read without newline translation (``newline=""``), as the csv module requires:
    line breaks inside quotes stay in the cell, and files saved with bare CR line ends (old Excel
    for Mac) read as rows instead of failing."""
    source = io.StringIO(text, newline="")
    if delimiter is None:
        reader = csv.reader(source, dialect)
    else:
        reader = csv.reader(source, dialect, delimiter=delimiter)
    return enumerate(reader, start=1)


def sheet_rows(sheet: _Sheet) -> Iterator[tuple[int, tuple[object, ...]]]:
    """(row number, values) for every row of an openpyxl worksheet, empty rows included.

    A read-only sheet trusts the dimensions stored in the file, which tools other than Excel
    often write wrong; past them rows would be dropped without a word, so they are reset."""
    reset = getattr(sheet, "reset_dimensions", None)
    if reset is not None:
        reset()
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        yield number, tuple(values)


def is_blank(cells: Sequence[object]) -> bool:
    """True for a row with nothing in it but spaces (``,,`` in a CSV, or a blank line)."""
    return all(c is None or str(c).strip() == "" for c in cells)
