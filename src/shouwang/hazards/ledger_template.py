"""The empty ledger workbook offered for download: the header row, drop-down lists, and notes.

The lists (category, grade, status, and the grids the user may import into) live on a hidden
sheet so that a long list of grids does not hit Excel's 255-character limit on inline lists.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from shouwang.hazards.ledger import COLUMNS, MAX_ROWS

if TYPE_CHECKING:
    from shouwang.orgs.models import Unit

# Chinese labels on purpose: they are the values of the file format, whatever the UI language.
CATEGORIES = ("消防安全", "安全生产", "治安", "交通安全", "生态环境", "其他")
GRADES = ("重大", "较大", "一般")
STATUSES = ("待整改", "整改中", "已整改", "已销号")


def _notes() -> dict[str, str]:
    return {
        "ledger_ref": _("原台账中的编号,可不填;同一文件内及本单位已有隐患中不得重复。"),
        "title": _("必填,不超过200字。"),
        "category": _("必填,从下拉列表选择。"),
        "grade": _("重大/较大/一般;状态为整改中、已整改或填写了整改要求时必填。"),
        "description": _("必填。"),
        "found_at": _("必填,日期或日期时间,如 2025-03-15 或 2025/03/15 14:30,不得晚于今天。"),
        "grid": _("网格代码或名称;不填时按经纬度确定网格。"),
        "lon": _("WGS-84 经度,与纬度同时填写。"),
        "lat": _("WGS-84 纬度,与经度同时填写。"),
        "address": _("地址与经纬度至少填写一项。"),
        "responsible": _("企业名称;与系统中本辖区的机构同名时自动关联。"),
        "contact": _("责任人姓名。"),
        "phone": _("手机或固定电话,多个号码用逗号分隔。"),
        "requirement": _("状态为整改中或已整改时必填;填写后即交办整改。"),
        "deadline": _("日期;未销号的隐患须为今天或以后。不填时按等级的时限规则计算。"),
        "status": _("待整改/整改中/已整改/已销号,不填视为待整改。"),
    }


def _grid_labels(grids: Sequence[Unit]) -> list[str]:
    # A name is easier to pick than a code, unless two grids share it.
    names = Counter(g.name for g in grids)
    return [g.name if names[g.name] == 1 else g.code for g in grids]


def template_workbook(grids: Sequence[Unit]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("隐患台账")
    notes = _notes()
    bold, red = Font(bold=True), Font(bold=True, color="C62828")
    fill = PatternFill("solid", fgColor="DCE6F2")
    letters: dict[str, str] = {}
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        letters[column.key] = letter
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.font = red if column.required else bold
        cell.fill = fill
        cell.alignment = Alignment(horizontal="center")
        cell.comment = Comment(notes[column.key], "守望")
        sheet.column_dimensions[letter].width = column.width + 2
    for key in ("found_at", "deadline"):
        sheet.column_dimensions[letters[key]].number_format = "yyyy-mm-dd"
    for key in ("ledger_ref", "grid", "phone"):
        sheet.column_dimensions[letters[key]].number_format = "@"  # keep leading zeros
    sheet.freeze_panes = "A2"

    lists = book.create_sheet(_("选项"))
    lists.sheet_state = "hidden"
    options = {
        "category": list(CATEGORIES),
        "grade": list(GRADES),
        "status": list(STATUSES),
        "grid": _grid_labels(grids),
    }
    last = MAX_ROWS + 1
    for position, (key, values) in enumerate(options.items(), start=1):
        letter = get_column_letter(position)
        lists.cell(row=1, column=position, value=key)
        for row, value in enumerate(values, start=2):
            lists.cell(row=row, column=position, value=value)
        if not values:
            continue
        source = f"={quote_sheetname(lists.title)}!${letter}$2:${letter}${len(values) + 1}"
        strict = key != "grid"  # a grid may also be typed as its code
        validation = DataValidation(
            type="list",
            formula1=source,
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="stop" if strict else "warning",
            errorTitle=_("无效的值"),
            error=_("请从下拉列表中选择。"),
        )
        validation.add(f"{letters[key]}2:{letters[key]}{last}")
        sheet.add_data_validation(validation)

    guide = book.create_sheet(_("填写说明"))
    guide.append([_("列名"), _("英文列名"), _("必填"), _("说明")])
    for column in COLUMNS:
        guide.append(
            [column.header, column.english, _("是") if column.required else "", notes[column.key]]
        )
    for letter, width in zip("ABCD", (12, 20, 6, 70), strict=True):
        guide.column_dimensions[letter].width = width
    for cell in guide[1]:
        cell.font = bold
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
