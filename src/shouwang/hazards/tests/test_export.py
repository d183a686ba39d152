"""Exports: the filtered, scoped rows only; masked personal data; audited; Excel and CSV."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from shouwang.audit.models import AuditEvent
from shouwang.cases.actions import do_grade_case
from shouwang.common.testing import POINT_A, POINT_B, Cast
from shouwang.hazards.actions import do_assign_hazard, do_register_hazard
from shouwang.hazards.choices import HazardCategory, HazardGrade
from shouwang.hazards.models import Hazard
from shouwang.orgs.models import User

NOW = datetime.fromisoformat("2025-06-02T10:00:00+08:00")


@pytest.fixture(autouse=True)
def _frozen(time_machine: Any) -> None:
    time_machine.move_to(NOW, tick=False)


@dataclass
class Register:
    major: Hazard
    general: Hazard
    west: Hazard


@pytest.fixture
def hazards(cast: Cast) -> Register:
    """Two hazards in station A (one major and assigned to the company, one general) and one
    in station B."""
    major = do_register_hazard(
        actor=cast.bob,
        title='=HYPERLINK("http://x")仓库消防通道堵塞',
        category=HazardCategory.FIRE,
        description="后门堆放纸箱",
        lat=POINT_A[0],
        lon=POINT_A[1],
        address="东门路1号",
        found_at=datetime.fromisoformat("2025-05-20T09:30:00+08:00"),
        responsible_contact="王建国",
        responsible_phone="13912345678",
        ledger_ref="DM-0001",
    )
    do_grade_case(major, grade=HazardGrade.MAJOR, actor=cast.alice)
    do_assign_hazard(major, requirement="清理通道", organisation=cast.company, actor=cast.alice)
    general = do_register_hazard(
        actor=cast.bob,
        title="灭火器过期",
        category=HazardCategory.FIRE,
        description="一楼灭火器过期",
        unit=cast.grid_a,
        address="东门路2号",
    )
    do_grade_case(general, grade=HazardGrade.GENERAL, actor=cast.alice)
    west = do_register_hazard(
        actor=cast.charlie,
        title="西门电动车楼道充电",
        category=HazardCategory.FIRE,
        description="楼道充电",
        lat=POINT_B[0],
        lon=POINT_B[1],
        responsible_phone="13700001111",
    )
    do_grade_case(west, grade=HazardGrade.MAJOR, actor=cast.charlie)
    return Register(major=major, general=general, west=west)


def export(client: Client, user: User, fmt: str, query: str = "") -> Any:
    client.force_login(user)
    url = reverse("hazards:hazard-export", args=[fmt])
    return client.get(f"{url}?{query}" if query else url)


def csv_rows(response: Any) -> list[list[str]]:
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM: Excel then reads UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def titles(rows: list[list[str]]) -> set[str]:
    column = rows[0].index("标题")
    return {row[column] for row in rows[1:]}


def test_csv_starts_with_a_bom_and_chinese_headers(
    client: Client, cast: Cast, hazards: Register
) -> None:
    response = export(client, cast.bob, "csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert ".csv" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0][:4] == ["隐患编号", "台账编号", "标题", "隐患类别"]
    assert "联系电话" in rows[0]


def test_the_export_contains_exactly_the_users_scoped_rows(
    client: Client, cast: Cast, hazards: Register
) -> None:
    alice_rows = csv_rows(export(client, cast.alice, "csv"))
    assert len(alice_rows) == 3
    assert "灭火器过期" in titles(alice_rows)
    assert "西门电动车楼道充电" not in titles(alice_rows)
    charlie_rows = csv_rows(export(client, cast.charlie, "csv"))
    assert titles(charlie_rows) == {"西门电动车楼道充电"}
    frank_rows = csv_rows(export(client, cast.frank, "csv"))  # the city auditor sees both
    assert len(frank_rows) == 4


def test_a_responsible_company_exports_only_what_is_assigned_to_it(
    client: Client, cast: Cast, hazards: Register
) -> None:
    rows = csv_rows(export(client, cast.erin, "csv"))
    assert len(rows) == 2
    assert rows[1][rows[0].index("隐患编号")] == hazards.major.reference


def test_the_filter_of_the_list_applies(client: Client, cast: Cast, hazards: Register) -> None:
    rows = csv_rows(export(client, cast.alice, "csv", "grade=major&open=true"))
    assert [row[0] for row in rows[1:]] == [hazards.major.reference]
    rows = csv_rows(export(client, cast.frank, "csv", "grade=major"))
    assert {row[0] for row in rows[1:]} == {hazards.major.reference, hazards.west.reference}


def test_phone_and_name_are_masked(client: Client, cast: Cast, hazards: Register) -> None:
    rows = csv_rows(export(client, cast.alice, "csv", "grade=major"))
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["联系电话"] == "139****5678"
    assert record["责任人"] == "王*国"
    assert "13912345678" not in str(rows)


def test_a_formula_in_a_title_is_not_run_by_a_spreadsheet(
    client: Client, cast: Cast, hazards: Register
) -> None:
    rows = csv_rows(export(client, cast.alice, "csv", "grade=major"))
    assert rows[1][rows[0].index("标题")].startswith("'=HYPERLINK")
    response = export(client, cast.alice, "xlsx", "grade=major")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    cell = sheet.cell(row=2, column=3)
    assert cell.data_type == "s"
    assert str(cell.value).startswith("=HYPERLINK")


def test_xlsx_has_a_frozen_header_widths_and_real_dates(
    client: Client, cast: Cast, hazards: Register
) -> None:
    response = export(client, cast.alice, "xlsx", "sort=found_at")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["隐患编号", "台账编号", "标题"]
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["C"].width == 28
    assert sheet.max_row == 3
    found = sheet.cell(row=2, column=header.index("发现时间") + 1)
    assert found.number_format == "yyyy-mm-dd hh:mm"
    assert found.value == datetime(2025, 5, 20, 9, 30)  # local wall time
    phone = sheet.cell(row=2, column=header.index("联系电话") + 1)
    assert phone.value == "139****5678"
    assert sheet.cell(row=2, column=header.index("责任单位") + 1).value == "东门五金厂"


def test_each_export_is_audited_with_filter_count_and_format(
    client: Client, cast: Cast, hazards: Register
) -> None:
    export(client, cast.alice, "xlsx", "grade=major&open=true")
    event = AuditEvent.objects.get(action="hazard.export")
    assert event.actor == cast.alice
    assert event.channel == "web"
    assert event.detail == {
        "filter": {"grade": ["major"], "open": True},
        "count": 1,
        "format": "xlsx",
    }


def test_anonymous_users_are_sent_to_log_in(client: Client, hazards: Register) -> None:
    response = client.get(reverse("hazards:hazard-export", args=["csv"]))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]
    assert not AuditEvent.objects.filter(action="hazard.export").exists()


def test_users_without_the_view_capability_are_refused(
    client: Client, cast: Cast, hazards: Register
) -> None:
    assert export(client, cast.dora, "csv").status_code == 403
    assert export(client, cast.dora, "xlsx").status_code == 403
    assert not AuditEvent.objects.filter(action="hazard.export").exists()


def test_an_unknown_format_is_not_found(client: Client, cast: Cast) -> None:
    assert export(client, cast.alice, "pdf").status_code == 404


def test_a_bad_filter_value_is_an_error_not_everything(client: Client, cast: Cast) -> None:
    response = export(client, cast.alice, "csv", "grade=huge")
    assert response.status_code == 400
    assert not AuditEvent.objects.filter(action="hazard.export").exists()


def test_the_link_without_a_trailing_slash_still_works(client: Client, cast: Cast) -> None:
    client.force_login(cast.alice)
    response = client.get("/hazards/export.csv?grade=major")
    assert response.status_code == 301
    assert response["Location"] == "/hazards/export.csv/?grade=major"


def test_the_command_exports_what_the_user_may_see(
    cast: Cast, hazards: Register, tmp_path: Any
) -> None:
    target = tmp_path / "out.csv"
    out = io.StringIO()
    call_command(
        "export_hazards",
        user="charlie",
        format="csv",
        output=str(target),
        filter="grade=major",
        stdout=out,
    )
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert titles(rows) == {"西门电动车楼道充电"}
    assert "137****1111" in data.decode("utf-8-sig")
    assert "已导出 1 条隐患" in out.getvalue()
    event = AuditEvent.objects.get(action="hazard.export")
    assert event.channel == "cli"
    assert event.detail["count"] == 1


def test_the_command_writes_excel(cast: Cast, hazards: Register, tmp_path: Any) -> None:
    target = tmp_path / "out.xlsx"
    call_command("export_hazards", user="alice", format="xlsx", output=str(target))
    sheet = openpyxl.load_workbook(target).worksheets[0]
    assert sheet.max_row == 3


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"user": "nobody", "format": "csv"}, "nobody"),
        ({"user": "dora", "format": "csv"}, "没有查看隐患的权限"),
        ({"user": "alice", "format": "csv", "filter": "grade=huge"}, "等级"),
    ],
)
def test_the_command_refuses_bad_users_and_filters(
    cast: Cast, tmp_path: Any, options: dict[str, str], message: str
) -> None:
    target = tmp_path / "out.csv"
    with pytest.raises(CommandError) as failed:
        call_command("export_hazards", output=str(target), **options)
    assert message in str(failed.value)
    assert not target.exists()
