"""Checking incoming events, however they arrive (API JSON, a CSV or JSON-lines file), before
anything is stored: every bad row and field is named, and one bad row stores nothing.

An event needs ``type`` (call, sms, transfer, app_install, alert) and ``time`` (ISO 8601 with a
UTC offset); ``src`` and ``dst`` are the parties; ``amount`` and ``duration`` are numbers; any
other field (``grid``, ``lat``, ``lon``, ``name``, ``app``, ``source`` ...) is kept as given for
rules to name. In CSV every value arrives as text: numeric columns are converted, empty cells
are absent.
"""

from __future__ import annotations

import contextlib
import csv
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from shouwang.antifraud.warning.choices import EventType
from shouwang.common.params import plausible
from shouwang.engines.sheets import csv_records, json_lines

MAX_EVENTS = 50_000
MAX_FILE_BYTES = 20 * 1024 * 1024
NUMERIC_FIELDS = ("amount", "duration", "lat", "lon")
PARTY_FIELDS = ("src", "dst")


@dataclass(frozen=True)
class EventInput:
    type: str
    time: datetime
    src: str
    dst: str
    data: dict[str, Any]


class _Problems:
    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, where: str, message: str) -> None:
        self.errors.setdefault(where, []).append(message)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None and plausible(parsed) else None


def _check(raw: Any, where: str, problems: _Problems, *, text_numbers: bool) -> EventInput | None:
    if not isinstance(raw, Mapping):
        problems.add(where, _("每条事件必须是一个对象。"))
        return None
    data: dict[str, Any] = {
        str(k): v for k, v in raw.items() if not (text_numbers and v in ("", None))
    }
    ok = True
    kind = data.get("type")
    if kind not in EventType.values:
        problems.add(f"{where}.type", _("事件类型“%(v)s”无效。") % {"v": str(kind)[:30]})
        ok = False
    moment = _time(data.get("time"))
    if moment is None:
        problems.add(
            f"{where}.time",
            _("时间“%(v)s”无效,须为带时区的 ISO 8601 时间。") % {"v": str(data.get("time"))[:40]},
        )
        ok = False
    for name in NUMERIC_FIELDS:
        value = data.get(name)
        if value is None:
            continue
        if text_numbers and isinstance(value, str):
            with contextlib.suppress(ValueError):
                value = data[name] = float(value)
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or (isinstance(value, float) and not math.isfinite(value))  # JSON cannot hold NaN
        ):
            problems.add(f"{where}.{name}", _("“%(v)s”不是数字。") % {"v": str(value)[:30]})
            ok = False
    for name in PARTY_FIELDS:
        value = data.get(name)
        if value is not None and (not isinstance(value, str) or len(value) > 64):
            problems.add(f"{where}.{name}", _("须为不超过 64 个字符的文本。"))
            ok = False
    if not ok or moment is None:
        return None
    data["time"] = moment.isoformat()
    return EventInput(
        str(kind), moment, str(data.get("src") or ""), str(data.get("dst") or ""), data
    )


def parse_events(
    items: Sequence[Any],
    *,
    first_row: int = 1,
    text_numbers: bool = False,
    prefix: str = "events",
    numbers: Sequence[int] | None = None,
) -> list[EventInput]:
    """Check every event; raises ValidationError keyed ``events.<n>.<field>`` (files:
    ``row.<n>.<column>``). ``numbers`` gives each item's own number (a JSON-lines file's line,
    blank lines skipped); otherwise items count from ``first_row``."""
    problems = _Problems()
    if not items:
        problems.add(prefix, _("没有事件。"))
    if len(items) > MAX_EVENTS:
        problems.add(prefix, _("一次最多 %(n)d 条事件。") % {"n": MAX_EVENTS})
    problems.raise_if_any()
    checked: list[EventInput] = []
    for n, raw in enumerate(items):
        number = numbers[n] if numbers is not None else n + first_row
        event = _check(raw, f"{prefix}.{number}", problems, text_numbers=text_numbers)
        if event is not None:
            checked.append(event)
    problems.raise_if_any()
    return checked


def read_event_file(name: str, content: bytes) -> list[EventInput]:
    """A CSV (header row, one event a row) or JSON-lines file; errors name the row (1-based,
    counting data rows after the header) and the column."""
    if len(content) > MAX_FILE_BYTES:
        raise ValidationError({"file": _("文件过大(上限 20 MB)。")})
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError({"file": _("文件不是 UTF-8 编码。")}) from None
    if name.lower().endswith((".jsonl", ".ndjson", ".json")):
        rows: list[Any] = []
        lines: list[int] = []
        problems = _Problems()
        for n, line in json_lines(text):
            try:
                rows.append(json.loads(line))
                lines.append(n)
            except ValueError:
                problems.add(f"row.{n}", _("第 %(row)d 行不是有效的 JSON。") % {"row": n})
        problems.raise_if_any()
        return parse_events(rows, prefix="row", text_numbers=False, numbers=lines)
    if not name.lower().endswith(".csv"):
        raise ValidationError({"file": _("只接受 CSV 或 JSONL 文件。")})
    try:
        records = csv_records(text)
    except csv.Error as exc:
        raise ValidationError({"file": _("CSV 文件格式有误:%(error)s") % {"error": exc}}) from None
    if not {"type", "time"} <= set(records.header):
        raise ValidationError({"file": _("CSV 表头必须包含 type 和 time 列。")})
    # A data row's number is its spreadsheet row less the header's, as on the score form:
    # blank lines count, a cell over two lines is one row.
    return parse_events(
        [row for _n, row in records.rows],
        prefix="row",
        text_numbers=True,
        numbers=[n - records.header_row for n, _row in records.rows],
    )
