"""Exports of the hazard register to Excel and CSV.

The rows are whatever `HazardFilter` leaves of `hazards_for_user(user)`: an export never shows
more than the list page would. Personal data stays masked, and every export is audited.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import IO, TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from shouwang.audit.log import record
from shouwang.cases.choices import CaseState
from shouwang.common.labels import choice_label
from shouwang.common.masking import mask_name, mask_phone
from shouwang.hazards.choices import HazardCategory, HazardGrade, HazardSource
from shouwang.hazards.filters import HazardFilter
from shouwang.hazards.models import Hazard
from shouwang.hazards.queries import hazards_for_user

if TYPE_CHECKING:
    from shouwang.orgs.models import User

FORMATS = ("xlsx", "csv")
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
# Text a spreadsheet would run as a formula when it opens a CSV (CWE-1236).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

type Value = str | float | datetime | None


@dataclass(frozen=True)
class ExportColumn:
    header: str  # a gettext msgid, translated when written
    width: int
    value: Callable[[Hazard], Value]
    is_date: bool = False


def _local(moment: datetime | None) -> datetime | None:
    # Spreadsheets have no time zones: write the local wall time the users work in.
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


COLUMNS: tuple[ExportColumn, ...] = (
    ExportColumn(gettext_noop("隐患编号"), 12, lambda h: h.reference),
    ExportColumn(gettext_noop("台账编号"), 14, lambda h: h.ledger_ref),
    ExportColumn(gettext_noop("标题"), 28, lambda h: h.title),
    ExportColumn(gettext_noop("隐患类别"), 10, lambda h: choice_label(HazardCategory, h.category)),
    ExportColumn(
        gettext_noop("隐患等级"), 8, lambda h: choice_label(HazardGrade, h.grade) if h.grade else ""
    ),
    ExportColumn(gettext_noop("状态"), 8, lambda h: choice_label(CaseState, h.state)),
    ExportColumn(gettext_noop("隐患描述"), 40, lambda h: h.description),
    ExportColumn(gettext_noop("发现时间"), 17, lambda h: _local(h.found_at), is_date=True),
    ExportColumn(gettext_noop("所在网格"), 16, lambda h: h.unit.name),
    ExportColumn(gettext_noop("单位代码"), 17, lambda h: h.unit.code),
    ExportColumn(gettext_noop("经度"), 11, lambda h: h.lon),
    ExportColumn(gettext_noop("纬度"), 11, lambda h: h.lat),
    ExportColumn(gettext_noop("地址"), 30, lambda h: h.address),
    ExportColumn(
        gettext_noop("责任单位"),
        22,
        lambda h: h.assignee_org.name if h.assignee_org else h.responsible_name,
    ),
    ExportColumn(gettext_noop("责任人"), 8, lambda h: mask_name(h.responsible_contact)),
    ExportColumn(gettext_noop("联系电话"), 14, lambda h: mask_phone(h.responsible_phone)),
    ExportColumn(gettext_noop("整改要求"), 30, lambda h: h.requirement),
    ExportColumn(gettext_noop("整改期限"), 17, lambda h: _local(h.deadline), is_date=True),
    ExportColumn(gettext_noop("已逾期"), 7, lambda h: _("是") if h.is_overdue else _("否")),
    ExportColumn(gettext_noop("发现渠道"), 10, lambda h: choice_label(HazardSource, h.source)),
    ExportColumn(gettext_noop("登记时间"), 17, lambda h: _local(h.created_at), is_date=True),
    ExportColumn(gettext_noop("销号时间"), 17, lambda h: _local(h.closed_at), is_date=True),
)


def export_queryset(user: User, hazard_filter: HazardFilter) -> QuerySet[Hazard]:
    return hazard_filter.apply(hazards_for_user(user)).select_related("unit", "assignee_org")


def audit_export(user: User, hazard_filter: HazardFilter, count: int, fmt: str) -> None:
    record(
        user,
        "hazard.export",
        None,
        unit=user.unit,
        detail={
            "filter": hazard_filter.model_dump(mode="json", exclude_defaults=True),
            "count": count,
            "format": fmt,
        },
    )


def export_filename(fmt: str, now: datetime | None = None) -> str:
    stamp = timezone.localtime(now or timezone.now()).strftime("%Y%m%d-%H%M")
    return f"{_('隐患清单')}-{stamp}.{fmt}"


def _rows(queryset: QuerySet[Hazard]) -> Iterator[list[Value]]:
    for hazard in queryset.iterator(chunk_size=1000):
        yield [column.value(hazard) for column in COLUMNS]


# CSV -------------------------------------------------------------------------------------------


class _Line:
    """A file-like that hands back what csv.writer wrote, for streaming."""

    def write(self, value: str) -> str:
        return value


def _csv_text(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, float):
        return repr(value)
    return "'" + value if value.startswith(_FORMULA_START) else value


def iter_csv(queryset: QuerySet[Hazard], language: str | None = None) -> Iterator[str]:
    """CSV lines for a streaming response: UTF-8 with a BOM, so Excel shows the Chinese."""
    language = language or translation.get_language()
    writer = csv.writer(_Line())
    # The response streams after the view returns: keep the request's language for the labels.
    with translation.override(language):
        yield "\ufeff" + writer.writerow([_(c.header) for c in COLUMNS])
        for values in _rows(queryset):
            yield writer.writerow([_csv_text(v) for v in values])


# Excel -----------------------------------------------------------------------------------------


def _xlsx_cell(sheet: WriteOnlyWorksheet, value: Value, is_date: bool) -> Cell | Value:
    """A plain value where that is enough (fast); a styled cell for dates and formula-like text."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if not value.startswith("="):
            return value
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # text from users, never a formula
        return cell
    if is_date and value is not None:
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd hh:mm"
        return cell
    return value


def write_xlsx(queryset: QuerySet[Hazard], out: IO[bytes]) -> None:
    """One sheet: a bold, frozen header row, set widths, and real dates."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("隐患清单"))
    assert isinstance(sheet, WriteOnlyWorksheet)
    sheet.freeze_panes = "A2"
    # Write-only sheets do have column dimensions; the type stubs do not know it.
    dimensions: Any = sheet.column_dimensions  # type: ignore[attr-defined]
    for index, column in enumerate(COLUMNS, start=1):
        dimensions[get_column_letter(index)].width = column.width
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DCE6F2")
    header = []
    for column in COLUMNS:
        cell = WriteOnlyCell(sheet, value=_(column.header))
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(vertical="center")
        header.append(cell)
    sheet.append(header)
    for values in _rows(queryset):
        sheet.append(
            [_xlsx_cell(sheet, v, c.is_date) for v, c in zip(values, COLUMNS, strict=True)]
        )
    book.save(out)


def xlsx_bytes(queryset: QuerySet[Hazard]) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(queryset, buffer)
    return buffer.getvalue()
