"""The rows of an uploaded CSV text or worksheet, numbered as a spreadsheet shows them.

Every importer's errors name rows this way, so "row 7" is the row a person sees when the file is
opened in Excel, WPS or LibreOffice: the first line of the file is row 1 (usually the header), a
blank line is an empty row and keeps its number, and a quoted cell with line breaks in it is one
row. Counting lines instead (``splitlines``, ``reader.line_num``) breaks on such cells, and
``csv.DictReader`` drops blank lines, so neither may number rows.

Here, with no Django import, so that the engines (bank statements) and the apps (hazard ledgers,
incident files, model scores, the fraud command's outcomes) share it. JSON-lines files (events,
a model's reasons) are numbered by line, read here too.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from typing import NamedTuple, Protocol

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


class CsvRecords(NamedTuple):
    """A CSV text with a header row, blank rows left out.

    ``header_row`` is the header's row number (0 for a text with no rows), ``header`` its
    names with spaces stripped, and ``rows`` every data row as (row number, name → cell), numbered
    as a spreadsheet shows them. An upload that counts data rows from 1 subtracts
    ``header_row``. A row shorter than the header lacks the last names; cells past the header
    are dropped."""

    header_row: int
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]


def csv_records(text: str) -> CsvRecords:
    """The header (the first row that is not blank) and the data rows of ``text``.

    Raises ``csv.Error`` for a malformed text; the callers name the file in their own words."""
    records = [(number, cells) for number, cells in csv_rows(text) if not is_blank(cells)]
    if not records:
        return CsvRecords(0, [], [])
    header_row, names = records[0]
    header = [name.strip() for name in names]
    return CsvRecords(
        header_row,
        header,
        [(number, dict(zip(header, cells, strict=False))) for number, cells in records[1:]],
    )


_LINE_END = re.compile(r"\r\n|\r|\n")


def json_lines(text: str) -> Iterator[tuple[int, str]]:
    """(line number, line) for every line of a JSON-lines text that is not blank; blank lines
    keep their numbers.

    Lines end at ``\\n``, ``\\r\\n`` or ``\\r`` only, the ends JSON cannot hold inside a string.
    ``str.splitlines`` also breaks at U+2028, U+2029 and U+0085, which JSON allows inside
    strings, and would split a record and shift every number after it."""
    for number, line in enumerate(_LINE_END.split(text), start=1):
        if line.strip():
            yield number, line


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
