"""Reading an incident file (CSV or Excel) into a header and rows, as the person sees them.

Row numbers are the spreadsheet's own (`engines.sheets`: the header is row 1, blank lines keep
their numbers), columns are Excel letters, so an error message points at the cell to fix.
Nothing here knows what the columns mean: that is the mapping's job (`importing`).
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from shouwang.engines.sheets import Dialect, csv_rows, is_blank, sheet_rows

MAX_BYTES = 30 * 1024 * 1024
MAX_ROWS = 200_000

type Cell = str | int | float | datetime | date | None


@dataclass(frozen=True)
class RowError:
    """One problem: the row and column as the spreadsheet shows them, the value, and what."""

    row: int | None  # None: the file as a whole
    column: str  # Excel letter; "" when the problem is not one cell
    header: str
    value: str
    message: str


class ImportFileError(Exception):
    """The file cannot be read as a table at all."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.errors = [RowError(None, "", "", "", message)]


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[tuple[int, list[Cell]]]  # (spreadsheet row number, cells)

    def column(self, header: str) -> int | None:
        wanted = header.strip().lower()
        for i, name in enumerate(self.headers):
            if name.strip().lower() == wanted:
                return i
        return None

    @staticmethod
    def letter(index: int) -> str:
        return str(get_column_letter(index + 1))


def _decode(raw: bytes) -> str:
    # Exports of Chinese systems are UTF-8 (often with a BOM) or GB18030 (a superset of GBK).
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(_("无法识别文件编码,请另存为 UTF-8 编码的 CSV。"))


def _read_csv(raw: bytes) -> list[tuple[int, list[Cell]]]:
    text = _decode(raw)
    try:
        dialect: Dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    try:
        return [(number, list(cells)) for number, cells in csv_rows(text, dialect)]
    except csv.Error as exc:
        raise ImportFileError(_("CSV 文件格式有误:%(error)s") % {"error": exc}) from None


def _cell(value: object) -> Cell:
    # Formulas are read as their cached values (data_only); rich text and the rest as text.
    if value is None or isinstance(value, str | int | float | datetime | date):
        return value
    return str(value)


def _read_xlsx(raw: bytes) -> list[tuple[int, list[Cell]]]:
    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise ImportFileError(_("无法读取 Excel 文件,文件可能已损坏。")) from None
    try:
        return [(n, [_cell(v) for v in r]) for n, r in sheet_rows(book.worksheets[0])]
    finally:
        book.close()


def read_table(file: IO[bytes], filename: str) -> Table:
    raw = file.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise ImportFileError(_("文件超过 %(mb)d MB。") % {"mb": MAX_BYTES // (1024 * 1024)})
    name = filename.lower()
    if name.endswith(".xlsx"):
        rows = _read_xlsx(raw)
    elif name.endswith((".csv", ".txt")):
        rows = _read_csv(raw)
    else:
        raise ImportFileError(_("只支持 .xlsx 和 .csv 文件。"))
    if not rows or is_blank(rows[0][1]):
        raise ImportFileError(_("文件第一行应为列名。"))
    headers = ["" if c is None else str(c).strip() for c in rows[0][1]]
    body = [(number, cells) for number, cells in rows[1:] if not is_blank(cells)]
    if not body:
        raise ImportFileError(_("文件中没有数据行。"))
    if len(body) > MAX_ROWS:
        raise ImportFileError(_("文件超过 %(n)d 行,请拆分后导入。") % {"n": MAX_ROWS})
    return Table(headers, body)
