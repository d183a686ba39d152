"""Reading a hazard ledger (隐患台账): the sheet, its header row, and every row checked.

Pure functions over openpyxl and csv, with no database access: the import action looks up grids,
organisations and existing ledger references in bulk and hands them to `ledger_places`, so a
10,000-row ledger is checked in memory with a handful of queries. The column format is in
docs/hazard-ledger.md.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from shouwang.engines.sheets import csv_rows, is_blank, sheet_rows
from shouwang.hazards.choices import HazardCategory, HazardGrade
from shouwang.hazards.ledger_values import (
    CATEGORY_WORDS,
    GRADE_WORDS,
    LedgerStatus,
    Value,
    display,
    normalise_word,
    parse_number,
    parse_when,
    status_value,
    text_of,
    valid_phone,
)
from shouwang.hazards.wording import join_list
from shouwang.orgs.geo import cell_of, valid_lat_lon

if TYPE_CHECKING:
    from shouwang.orgs.models import Organisation, Unit

MAX_ROWS = 20_000
MAX_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 400 * 1024 * 1024
# Ledgers often carry a title line or two ("XX派出所隐患排查台账") above the header row.
HEADER_SCAN_ROWS = 10

type RawRow = tuple[int, tuple[Value, ...]]
type _Getter = Callable[[str], Value]


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    english: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    width: int = 14

    def names(self) -> set[str]:
        return {normalise_header(n) for n in (self.key, self.header, self.english, *self.aliases)}


COLUMNS: tuple[Column, ...] = (
    Column("ledger_ref", "台账编号", "Ledger ref", ("原台账编号", "台账号")),
    Column("title", "标题", "Title", ("隐患名称", "隐患标题"), required=True, width=28),
    Column("category", "隐患类别", "Category", ("类别", "隐患类型"), required=True, width=12),
    Column("grade", "隐患等级", "Grade", ("等级",), width=10),
    Column("description", "隐患描述", "Description", ("描述", "隐患内容", "隐患情况"), True, 40),
    Column("found_at", "发现时间", "Found at", ("发现日期", "排查时间", "检查时间"), True, 18),
    Column("grid", "所在网格", "Grid", ("网格", "网格代码", "网格名称"), width=18),
    Column("lon", "经度", "Longitude", ("lng",), width=12),
    Column("lat", "纬度", "Latitude", width=12),
    Column("address", "地址", "Address", ("详细地址", "隐患地址"), width=30),
    Column(
        "responsible", "责任单位", "Responsible unit", ("责任方", "responsible_name"), False, 24
    ),
    Column("contact", "责任人", "Responsible person", ("联系人", "responsible_contact")),
    Column("phone", "联系电话", "Phone", ("电话", "手机", "手机号", "responsible_phone")),
    Column("requirement", "整改要求", "Requirement", ("整改措施",), width=30),
    Column("deadline", "整改期限", "Deadline", ("整改时限", "整改截止日期"), width=14),
    Column("status", "状态", "Status", ("整改状态", "隐患状态"), width=10),
)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
MAX_LENGTHS = {
    "ledger_ref": 64,
    "title": 200,
    "address": 300,
    "responsible": 200,
    "contact": 50,
    "phone": 32,
}


def normalise_header(text: object) -> str:
    """One key for "发现时间(必填)", " Found_at " and "*发现时间"."""
    s = re.sub(r"[（(【\[].*?[）)】\]]", "", str(text or ""))
    return re.sub(r"[\s*＊_\-:：]", "", s).lower()


_HEADER_KEYS = {name: c.key for c in COLUMNS for name in c.names()}


@dataclass(frozen=True)
class RowError:
    """One problem: the row and column as Excel shows them, the value, and what is wrong."""

    row: int | None  # None: the file as a whole
    column: str  # letter; "" when the problem is not one cell
    header: str
    value: str
    message: str


class LedgerFileError(Exception):
    """The file cannot be read as a ledger at all (type, size, damage, no header row)."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("; ".join(e.message for e in errors))
        self.errors = errors


def _file_error(message: str) -> LedgerFileError:
    return LedgerFileError([RowError(None, "", "", "", message)])


@dataclass
class LedgerRow:
    """One data row, parsed. `grid` and `organisation` are filled in by `resolve_rows`."""

    row: int
    ledger_ref: str = ""
    title: str = ""
    category: str = ""
    grade: str = ""
    description: str = ""
    found_at: datetime | None = None
    grid_text: str = ""
    lat: float | None = None
    lon: float | None = None
    address: str = ""
    responsible: str = ""
    contact: str = ""
    phone: str = ""
    requirement: str = ""
    deadline: datetime | None = None
    status: str = LedgerStatus.PENDING
    grid: Unit | None = None
    organisation: Organisation | None = None

    @property
    def cell(self) -> str:
        if self.lat is None or self.lon is None:
            return ""
        return cell_of(self.lat, self.lon)


@dataclass
class Ledger:
    """What was read from the file: the header mapping, the rows and the problems so far."""

    header_row: int
    columns: dict[str, int]  # column key -> 0-based index in the file
    headers: dict[str, str]  # column key -> header text as written in the file
    rows: list[LedgerRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    # (row, column key) already reported: one problem per cell, not a cascade of them.
    reported: set[tuple[int, str]] = field(default_factory=set)

    def error(self, row: int, key: str, value: Value, message: str) -> None:
        self.reported.add((row, key))
        index = self.columns.get(key)
        letter = get_column_letter(index + 1) if index is not None else ""
        header = self.headers.get(key) or COLUMN_BY_KEY[key].header
        self.errors.append(RowError(row, letter, header, display(value), message))


# Reading the file ------------------------------------------------------------------------------


def read_sheet(data: bytes, filename: str) -> list[RawRow]:
    """The non-empty rows of the first worksheet (or the CSV), numbered as a spreadsheet shows
    them (`engines.sheets`)."""
    name = filename.lower().strip()
    if len(data) > MAX_BYTES:
        raise _file_error(_("文件超过 %(mb)d MB 上限。") % {"mb": MAX_BYTES // (1024 * 1024)})
    if name.endswith(".xls"):
        raise _file_error(_("不支持旧版 .xls 格式,请在 Excel 中另存为 .xlsx 后再导入。"))
    if name.endswith((".xlsx", ".xlsm")):
        return _read_xlsx(data)
    if name.endswith(".csv"):
        return _read_csv(data)
    raise _file_error(_("文件类型不支持:仅支持 .xlsx 和 .csv 文件。"))


def _keep(rows: list[RawRow], number: int, values: tuple[Value, ...]) -> bool:
    """Collect a non-empty row; False once there are more rows than an import may hold."""
    if not is_blank(values):
        rows.append((number, values))
    return len(rows) <= MAX_ROWS + HEADER_SCAN_ROWS


def _read_xlsx(data: bytes) -> list[RawRow]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _file_error(
            _("文件不是有效的 .xlsx 工作簿(可能已损坏,或是改了扩展名的其他文件)。")
        ) from None
    # A small file that unpacks to gigabytes would exhaust memory before any row is read.
    if unpacked > MAX_UNPACKED_BYTES:
        raise _file_error(_("工作簿解压后过大,请删除多余的工作表或格式后再导入。"))
    rows: list[RawRow] = []
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # a damaged workbook fails in many ways inside openpyxl
        raise _file_error(_("无法读取该 .xlsx 工作簿,文件可能已损坏。")) from None
    try:
        if not book.worksheets:
            raise _file_error(_("工作簿中没有工作表。"))
        for number, values in sheet_rows(book.worksheets[0]):
            if not _keep(rows, number, values):
                break
    except LedgerFileError:
        raise
    except Exception:
        raise _file_error(_("无法读取该 .xlsx 工作簿,文件可能已损坏。")) from None
    finally:
        book.close()
    return rows


def _read_csv(data: bytes) -> list[RawRow]:
    # Excel on a Chinese Windows saves CSV as GB18030 unless told otherwise; accept both.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise _file_error(_("无法识别 CSV 文件的编码,请另存为 UTF-8 编码。"))
    # The separator is the one the header row uses most (Excel writes ";" in some locales).
    head = text.splitlines()[:HEADER_SCAN_ROWS]
    delimiter = max(",;\t", key=lambda d: max((line.count(d) for line in head), default=0))
    rows: list[RawRow] = []
    try:
        for number, values in csv_rows(text, delimiter=delimiter):
            if not _keep(rows, number, tuple(values)):
                break
    except csv.Error as exc:
        raise _file_error(_("CSV 文件格式有误:%(error)s") % {"error": exc}) from None
    return rows


def find_header(rows: list[RawRow]) -> Ledger:
    """Find the header row among the first rows and map its columns; errors for missing ones."""
    found = next(
        (
            (position, number, values)
            for position, (number, values) in enumerate(rows[:HEADER_SCAN_ROWS])
            if sum(1 for v in values if normalise_header(v) in _HEADER_KEYS) >= 3
        ),
        None,
    )
    if found is None:
        raise _file_error(
            _("未找到表头行:前 %(n)d 行中应有“标题”“隐患类别”“隐患描述”“发现时间”等列名。")
            % {"n": HEADER_SCAN_ROWS}
        )
    position, number, values = found
    keys = [_HEADER_KEYS.get(normalise_header(v)) for v in values]
    ledger = Ledger(header_row=number, columns={}, headers={})
    for index, key in enumerate(keys):
        if key is None:
            continue
        if key in ledger.columns:
            first = get_column_letter(ledger.columns[key] + 1)
            ledger.errors.append(
                RowError(
                    number,
                    get_column_letter(index + 1),
                    display(values[index]),
                    display(values[index]),
                    _("与 %(col)s 列重复,是同一列。") % {"col": first},
                )
            )
            continue
        ledger.columns[key] = index
        ledger.headers[key] = display(values[index])
    for column in COLUMNS:
        if column.required and column.key not in ledger.columns:
            ledger.errors.append(
                RowError(
                    number, "", column.header, "", _("缺少必填列“%(h)s”。") % {"h": column.header}
                )
            )
    data_rows = rows[position + 1 :]
    if len(data_rows) > MAX_ROWS:
        raise _file_error(
            _("文件超过单次导入上限 %(max)d 行,请拆分为多个文件后导入。") % {"max": MAX_ROWS}
        )
    if not ledger.errors:
        ledger.rows = [LedgerRow(row=n) for n, _v in data_rows]
    return ledger


def _aware(moment: datetime) -> datetime:
    return timezone.make_aware(moment, timezone.get_current_timezone())


# Checking rows ---------------------------------------------------------------------------------


def parse_rows(ledger: Ledger, raw: list[RawRow], *, now: datetime) -> None:
    """Parse every data row into `ledger.rows`, adding an error for every bad cell."""
    by_number = dict(raw)
    seen_refs: dict[str, int] = {}
    for row in ledger.rows:
        values = by_number[row.row]
        _parse_row(ledger, row, values, now)
        if row.ledger_ref:
            first = seen_refs.setdefault(row.ledger_ref, row.row)
            if first != row.row:
                ledger.error(
                    row.row,
                    "ledger_ref",
                    row.ledger_ref,
                    _("台账编号与第 %(row)d 行重复。") % {"row": first},
                )


def _parse_row(ledger: Ledger, row: LedgerRow, values: tuple[Value, ...], now: datetime) -> None:
    n = row.row

    def get(key: str) -> Value:
        index = ledger.columns.get(key)
        return values[index] if index is not None and index < len(values) else None

    texts = {key: text_of(get(key)) for key in ledger.columns}
    for key, limit in MAX_LENGTHS.items():
        if len(texts.get(key, "")) > limit:
            ledger.error(n, key, get(key), _("不能超过 %(n)d 个字。") % {"n": limit})
            texts[key] = ""
    for column in COLUMNS:
        missing = column.key in ledger.columns and not texts[column.key]
        if column.required and missing and (n, column.key) not in ledger.reported:
            ledger.error(n, column.key, None, _("请填写“%(h)s”。") % {"h": column.header})
    row.ledger_ref = texts.get("ledger_ref", "")
    row.title = texts.get("title", "")
    row.description = texts.get("description", "")
    row.grid_text = texts.get("grid", "")
    row.address = texts.get("address", "")
    row.responsible = texts.get("responsible", "")
    row.contact = texts.get("contact", "")
    row.requirement = texts.get("requirement", "")

    if texts.get("category"):
        row.category = CATEGORY_WORDS.get(normalise_word(texts["category"]), "")
        if not row.category:
            ledger.error(n, "category", get("category"), _category_hint())
    if texts.get("grade"):
        row.grade = GRADE_WORDS.get(normalise_word(texts["grade"]), "")
        if not row.grade:
            ledger.error(n, "grade", get("grade"), _grade_hint())
    if texts.get("status"):
        status = status_value(texts["status"])
        if status is None:
            ledger.error(n, "status", get("status"), _status_hint())
        else:
            row.status = status

    phone = texts.get("phone", "")
    if phone and not valid_phone(phone):
        ledger.error(n, "phone", phone, _("不是有效的手机或固定电话号码。"))
    else:
        row.phone = phone

    _parse_dates(ledger, row, get, now)
    _parse_coordinates(ledger, row, get)
    _check_status_fields(ledger, row, get, now)


def _parse_dates(ledger: Ledger, row: LedgerRow, get: _Getter, now: datetime) -> None:
    n = row.row
    found = get("found_at")
    if text_of(found):
        try:
            moment, timed = parse_when(found)
        except ValueError:
            ledger.error(n, "found_at", found, _date_hint())
        else:
            row.found_at = _aware(moment)
            today = timezone.localdate(now)
            if (timed and row.found_at > now + timedelta(minutes=5)) or moment.date() > today:
                ledger.error(n, "found_at", found, _("发现时间不能晚于今天。"))
                row.found_at = None
    deadline = get("deadline")
    if text_of(deadline):
        try:
            moment, timed = parse_when(deadline)
        except ValueError:
            ledger.error(n, "deadline", deadline, _date_hint())
        else:
            # A date alone means "by the end of that day".
            end = moment if timed else datetime.combine(moment.date(), time(23, 59, 59))
            row.deadline = _aware(end)
            if row.found_at is not None and row.deadline < row.found_at:
                ledger.error(n, "deadline", deadline, _("整改期限不能早于发现时间。"))
                row.deadline = None


def _parse_coordinates(ledger: Ledger, row: LedgerRow, get: _Getter) -> None:
    n = row.row
    lon_value, lat_value = get("lon"), get("lat")
    has_lon, has_lat = bool(text_of(lon_value)), bool(text_of(lat_value))
    if has_lon != has_lat:
        missing = "lat" if has_lon else "lon"
        ledger.error(n, missing, None, _("经度和纬度须同时填写。"))
        return
    if not has_lon:
        return
    try:
        lon, lat = parse_number(lon_value), parse_number(lat_value)
    except ValueError:
        bad = "lon" if not _is_number(lon_value) else "lat"
        ledger.error(n, bad, get(bad), _("应为数字(WGS-84 经纬度,如 120.0900)。"))
        return
    if not valid_lat_lon(lat, lon):
        bad = "lat" if not -90 <= lat <= 90 else "lon"
        ledger.error(n, bad, get(bad), _("经纬度超出范围(经度 -180~180,纬度 -90~90),是否填反了?"))
        return
    row.lat, row.lon = lat, lon


def _is_number(value: Value) -> bool:
    try:
        parse_number(value)
    except ValueError:
        return False
    return True


def _check_status_fields(ledger: Ledger, row: LedgerRow, get: _Getter, now: datetime) -> None:
    """What each ledger status needs so the lifecycle can be replayed (see the docs' table)."""
    n = row.row
    label = LedgerStatus(row.status).label
    needs_assignment = row.status in {LedgerStatus.RECTIFYING, LedgerStatus.RECTIFIED}
    grade_missing = not row.grade and not text_of(get("grade"))
    if needs_assignment and grade_missing:
        ledger.error(n, "grade", None, _("状态为“%(s)s”时须填写隐患等级。") % {"s": label})
    elif row.requirement and grade_missing:
        ledger.error(n, "grade", None, _("填写了整改要求的隐患须填写隐患等级(先分级后交办)。"))
    if needs_assignment and not row.requirement:
        ledger.error(n, "requirement", None, _("状态为“%(s)s”时须填写整改要求。") % {"s": label})
    if row.status != LedgerStatus.CLOSED and row.deadline is not None:
        if grade_missing:
            ledger.error(n, "deadline", get("deadline"), _("填写整改期限时须填写隐患等级。"))
        elif row.deadline <= now:
            ledger.error(
                n,
                "deadline",
                get("deadline"),
                _("整改期限已过:未销号的隐患须填写今天或以后的期限。"),
            )
    if row.lat is None and not row.address and not text_of(get("lat")):
        ledger.error(n, "address", None, _("请填写地址或经纬度。"))


def _category_hint() -> str:
    return _("无效的隐患类别,应为:%(v)s。") % {"v": join_list(c.label for c in HazardCategory)}


def _grade_hint() -> str:
    return _("无效的隐患等级,应为:%(v)s。") % {"v": join_list(c.label for c in HazardGrade)}


def _status_hint() -> str:
    return _("无效的状态,应为:%(v)s。") % {"v": join_list(c.label for c in LedgerStatus)}


def _date_hint() -> str:
    return _("无法识别的日期,请填写如 2025-03-15 或 2025/03/15 的日期。")


def sort_errors(errors: list[RowError]) -> list[RowError]:
    def key(e: RowError) -> tuple[int, int, str]:
        width = len(e.column)
        return (e.row or 0, width, e.column)

    return sorted(errors, key=key)
