"""Checking an incident file against its mapping, row by row, in memory.

`check_rows` turns the table into candidate incidents or errors (row, column, value, what is
wrong); the action then converts coordinates, finds units and duplicates in bulk and writes
everything or nothing. Times without a zone are local time (settings.TIME_ZONE).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _

from shouwang.common.params import plausible
from shouwang.incidents.reader import Cell, RowError, Table

if TYPE_CHECKING:
    from shouwang.incidents.models import ImportMapping, IncidentCategory

TIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y%m%d%H%M%S",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日%H时%M分",
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y年%m月%d日",
)
MAX_TEXT = {"address": 300, "external_id": 64}


@dataclass
class Candidate:
    """A row that passed the per-cell checks; `lon`/`lat` are set after conversion."""

    row: int
    occurred_at: datetime
    category: IncidentCategory
    x: float
    y: float
    address: str = ""
    unit_text: str = ""
    external_id: str = ""
    lon: float = 0.0
    lat: float = 0.0


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_time(value: Cell, fmt: str = "") -> datetime | None:
    """An aware datetime, or None when the value is not a time in any known shape."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime.combine(value, time.min)
    else:
        text = _text(value)
        if not text:
            return None
        parsed_or_none: datetime | None = None
        for candidate in (fmt,) if fmt else TIME_FORMATS:
            try:
                parsed_or_none = datetime.strptime(text, candidate)
                break
            except ValueError:
                continue
        if parsed_or_none is None and not fmt:
            try:
                parsed_or_none = datetime.fromisoformat(text.replace("Z", "+00:00"))
            except ValueError:
                return None
        if parsed_or_none is None or not plausible(parsed_or_none):
            return None
        parsed = parsed_or_none
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, timezone.get_current_timezone())
    return parsed


def parse_number(value: Cell) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    text = _text(value).replace(",", "")
    try:
        number = float(text)
    except ValueError:
        return None
    return number if number == number and abs(number) != float("inf") else None


class CategoryLookup:
    """A file's category value -> a category: the mapping's table first, then names and codes
    of the tree itself."""

    def __init__(self, mapping: ImportMapping, categories: list[IncidentCategory]) -> None:
        by_code = {c.code: c for c in categories}
        self._known: dict[str, IncidentCategory] = {}
        for c in categories:
            self._known[c.name.strip().lower()] = c
            self._known[c.code.lower()] = c
        for value, code in (mapping.category_values or {}).items():
            if code in by_code:
                self._known[str(value).strip().lower()] = by_code[code]

    def get(self, value: str) -> IncidentCategory | None:
        return self._known.get(value.strip().lower())


def missing_columns(table: Table, mapping: ImportMapping) -> list[RowError]:
    wanted = [
        (mapping.time_column, True),
        (mapping.category_column, True),
        (mapping.x_column, True),
        (mapping.y_column, True),
        (mapping.address_column, False),
        (mapping.unit_column, False),
        (mapping.external_id_column, False),
    ]
    return [
        RowError(None, "", name, "", _("文件中没有映射所需的列“%(name)s”。") % {"name": name})
        for name, required in wanted
        if (required or name) and table.column(name) is None
    ]


def check_rows(
    table: Table, mapping: ImportMapping, categories: CategoryLookup, now: datetime
) -> tuple[list[Candidate], list[RowError]]:
    """Candidates for the rows whose cells are all valid, and an error per invalid cell."""
    cols = {
        key: table.column(name) if name else None
        for key, name in (
            ("time", mapping.time_column),
            ("category", mapping.category_column),
            ("x", mapping.x_column),
            ("y", mapping.y_column),
            ("address", mapping.address_column),
            ("unit", mapping.unit_column),
            ("external_id", mapping.external_id_column),
        )
    }
    latest = now + timedelta(minutes=5)
    candidates: list[Candidate] = []
    errors: list[RowError] = []
    for number, cells in table.rows:

        def cell(key: str, cells: list[Cell] = cells) -> Cell:
            index = cols[key]
            return cells[index] if index is not None and index < len(cells) else None

        def error(key: str, message: str, value: Cell, number: int = number) -> None:
            index = cols[key]
            assert index is not None
            errors.append(
                RowError(number, table.letter(index), table.headers[index], _text(value), message)
            )

        before = len(errors)
        occurred = parse_time(cell("time"), mapping.time_format)
        if occurred is None:
            error("time", _("无法识别的时间。"), cell("time"))
        elif occurred > latest:
            error("time", _("时间晚于现在。"), cell("time"))
        category = categories.get(_text(cell("category")))
        if category is None:
            error("category", _("类别不在类别树或映射对照中。"), cell("category"))
        x, y = parse_number(cell("x")), parse_number(cell("y"))
        if x is None:
            error("x", _("坐标应为数字。"), cell("x"))
        if y is None:
            error("y", _("坐标应为数字。"), cell("y"))
        texts = {key: _text(cell(key)) for key in ("address", "unit", "external_id")}
        for key, limit in MAX_TEXT.items():
            if len(texts[key]) > limit:
                error(key, _("超过 %(n)d 个字符。") % {"n": limit}, texts[key][:40])
        if len(errors) > before:
            continue
        assert occurred is not None and category is not None and x is not None and y is not None
        candidates.append(
            Candidate(
                row=number,
                occurred_at=occurred,
                category=category,
                x=x,
                y=y,
                address=texts["address"],
                unit_text=texts["unit"],
                external_id=texts["external_id"],
            )
        )
    return candidates, errors
