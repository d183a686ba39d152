"""Row numbers as a spreadsheet shows them, for CSV texts and worksheets."""

from __future__ import annotations

import io
import re
import zipfile

import openpyxl
import pytest

from shouwang.engines.sheets import csv_rows, is_blank, sheet_rows

TEXT = 'h1,h2\n\n"a\nb",1\n\n  ,\nc\u2028d,2\n'


@pytest.mark.parametrize("line_end", ["\n", "\r\n", "\r"])
def test_blank_lines_are_rows_and_a_multi_line_cell_is_one(line_end: str) -> None:
    rows = list(csv_rows(TEXT.replace("\n", line_end)))
    assert [n for n, _cells in rows] == [1, 2, 3, 4, 5, 6]
    assert rows[1][1] == [] and rows[3][1] == []
    assert rows[2][1] == [f"a{line_end}b", "1"]
    assert rows[5][1] == ["c\u2028d", "2"]  # a line separator inside a cell is no new row


def test_another_separator_keeps_the_numbering() -> None:
    assert list(csv_rows("a;b\n\n1;2\n", delimiter=";")) == [
        (1, ["a", "b"]),
        (2, []),
        (3, ["1", "2"]),
    ]


def test_a_row_of_empty_cells_is_blank() -> None:
    assert is_blank([]) and is_blank(["", "  ", None]) and not is_blank(["", "x"])


def _workbook_with_wrong_dimensions() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.cell(row=1, column=1, value="header")
    sheet.cell(row=4, column=1, value="after two empty rows")
    sheet.cell(row=9, column=1, value="past the stored dimensions")
    plain = io.BytesIO()
    book.save(plain)
    # Tools other than Excel often store dimensions that stop short of the data.
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:A4"', data)
            target.writestr(item, data)
    return out.getvalue()


def test_worksheet_rows_keep_their_numbers_past_empty_rows_and_wrong_dimensions() -> None:
    book = openpyxl.load_workbook(io.BytesIO(_workbook_with_wrong_dimensions()), read_only=True)
    try:
        kept = [(n, v[0]) for n, v in sheet_rows(book.worksheets[0]) if not is_blank(v)]
    finally:
        book.close()
    assert kept == [(1, "header"), (4, "after two empty rows"), (9, "past the stored dimensions")]
