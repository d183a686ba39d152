"""Row numbers as a spreadsheet shows them, for CSV texts and worksheets."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import openpyxl
import pytest

from shouwang.engines.sheets import (
    CsvRecords,
    csv_records,
    csv_rows,
    is_blank,
    json_lines,
    sheet_rows,
)

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


@pytest.mark.parametrize("line_end", ["\n", "\r\n", "\r"])
def test_records_are_named_by_the_header_and_numbered_as_a_spreadsheet_shows_them(
    line_end: str,
) -> None:
    text = '\n , \n phone , score\n\n"a\nb",1\nc\nd,2,extra\n'.replace("\n", line_end)
    records = csv_records(text)
    # Rows 1 and 2 are blank, so the header is row 3; the blank row 4 keeps its number.
    assert records.header_row == 3
    assert records.header == ["phone", "score"]  # names are stripped, cells are not
    assert records.rows == [
        (5, {"phone": f"a{line_end}b", "score": "1"}),  # one row over two lines
        (6, {"phone": "c"}),  # a short row lacks the last names
        (7, {"phone": "d", "score": "2"}),  # cells past the header are dropped
    ]
    # Uploads count data rows from 1: the spreadsheet row less the header's.
    assert [n - records.header_row for n, _row in records.rows] == [2, 3, 4]


def test_a_text_without_rows_has_no_header() -> None:
    assert csv_records("") == csv_records("\n , \n") == CsvRecords(0, [], [])
    assert csv_records("a,b\n") == CsvRecords(1, ["a", "b"], [])


def test_a_malformed_text_raises_the_csv_error_for_the_caller_to_word() -> None:
    with pytest.raises(csv.Error):
        csv_records("a\n" + "x" * (csv.field_size_limit() + 1) + "\n")


@pytest.mark.parametrize("line_end", ["\n", "\r\n", "\r"])
def test_json_lines_are_numbered_with_blank_lines_counted(line_end: str) -> None:
    text = '{"a": 1}\n\n  \n{"b": 2}\n'.replace("\n", line_end)
    assert list(json_lines(text)) == [(1, '{"a": 1}'), (4, '{"b": 2}')]
    assert list(json_lines('{"a": 1}')) == [(1, '{"a": 1}')]  # no line end after the last


def test_line_separators_inside_a_json_string_are_no_new_line() -> None:
    # str.splitlines would break at each of these, which JSON allows inside strings.
    first = '{"a": "x\u2028y\u2029z\x85w"}'
    assert list(json_lines(first + "\n\n{bad\n")) == [(1, first), (3, "{bad")]


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
