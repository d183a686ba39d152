"""Building incident files and mappings for the tests."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from shouwang.incidents.actions import do_save_import_mapping
from shouwang.incidents.models import ImportMapping
from shouwang.orgs.models import Unit, User

HEADERS = ["报警时间", "警情类别", "经度", "纬度", "地址", "警情编号"]


def csv_file(rows: Sequence[Sequence[Any]], headers: Sequence[str] = HEADERS) -> io.BytesIO:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(headers)
    writer.writerows(rows)
    return io.BytesIO(text.getvalue().encode("utf-8-sig"))


def xlsx_file(rows: Sequence[Sequence[Any]], headers: Sequence[str] = HEADERS) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def upload(data: io.BytesIO, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data.getvalue())


def mapping(
    actor: User, unit: Unit, *, name: str = "110 接警", crs: str = "EPSG:4326", **extra: Any
) -> ImportMapping:
    values: dict[str, Any] = {
        "time_column": "报警时间",
        "category_column": "警情类别",
        "x_column": "经度",
        "y_column": "纬度",
        "address_column": "地址",
        "external_id_column": "警情编号",
        "crs": crs,
        "category_values": {"盗窃(入室)": "burglary", "车辆被盗": "vehicle_theft"},
        **extra,
    }
    return do_save_import_mapping(actor=actor, unit=unit, name=name, values=values)


def add_incidents(
    actor: User,
    unit: Unit,
    rows: Sequence[tuple[str, str, float, float]],
    *,
    name: str = "测试导入",
) -> int:
    """Import (time, category, lat, lon) rows through the import action; how many landed."""
    from shouwang.incidents.actions import do_import_incidents

    used = ImportMapping.objects.filter(unit=unit, name=name).first() or mapping(
        actor, unit, name=name, duplicate_minutes=0
    )
    file = csv_file([[t, c, lon, lat, "", ""] for t, c, lat, lon in rows])
    result = do_import_incidents(file, filename="t.csv", mapping=used, actor=actor)
    assert result.errors == [], result.errors
    return result.imported
