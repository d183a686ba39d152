"""Ledger import: parsing, row errors, all-or-nothing writes, the page, the template and the CLI.

Workbooks are built here with openpyxl; no binary fixtures are committed.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shouwang.audit.models import AuditEvent
from shouwang.cases.choices import CaseState
from shouwang.cases.models import CaseTransition
from shouwang.common.errors import NotPermitted
from shouwang.common.testing import POINT_A, POINT_B, Cast
from shouwang.hazards import ledger
from shouwang.hazards.actions import do_register_hazard
from shouwang.hazards.actions_ledger import LedgerImportResult, do_import_hazard_ledger
from shouwang.hazards.choices import HazardCategory, HazardGrade, HazardSource
from shouwang.hazards.models import Hazard
from shouwang.orgs.models import User

NOW = datetime(2025, 6, 2, 10, 0, tzinfo=timezone.get_fixed_timezone(8 * 60))
HEADERS = [
    "台账编号",
    "标题",
    "隐患类别",
    "隐患等级",
    "隐患描述",
    "发现时间",
    "所在网格",
    "经度",
    "纬度",
    "地址",
    "责任单位",
    "责任人",
    "联系电话",
    "整改要求",
    "整改期限",
    "状态",
]
GRID_A = "990102001001001"


@pytest.fixture(autouse=True)
def _frozen(time_machine: Any) -> None:
    time_machine.move_to(NOW, tick=False)


def good_row(n: int = 1, **values: object) -> dict[str, object]:
    row: dict[str, object] = {
        "台账编号": f"DM-{n:04d}",
        "标题": f"消防通道堵塞{n}",
        "隐患类别": "消防安全",
        "隐患等级": "",
        "隐患描述": "仓库后门消防通道堆放纸箱",
        "发现时间": "2025-05-20",
        "所在网格": GRID_A,
        "地址": f"东门路{n}号",
        "状态": "待整改",
    }
    row.update(values)
    return row


def xlsx(rows: list[dict[str, object]], headers: list[str] = HEADERS, above: int = 0) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for _ in range(above):
        sheet.append(["东门派出所隐患排查台账"])
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h) for h in headers])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run(cast: Cast, data: bytes, name: str = "台账.xlsx", **kwargs: Any) -> LedgerImportResult:
    options: dict[str, Any] = {"unit": cast.station_a, "actor": cast.alice, "filename": name}
    options.update(kwargs)
    return do_import_hazard_ledger(io.BytesIO(data), **options)


def where(result: LedgerImportResult) -> list[tuple[int | None, str]]:
    return [(e.row, e.column) for e in result.errors]


def counts() -> tuple[int, int, int]:
    return Hazard.objects.count(), AuditEvent.objects.count(), CaseTransition.objects.count()


# ---------------------------------------------------------------- a good ledger


def test_a_good_file_imports_every_row_in_the_state_the_ledger_gives(cast: Cast) -> None:
    rows = [
        good_row(1),
        good_row(2, 隐患等级="一般"),
        good_row(
            3,
            隐患等级="较大",
            责任单位="东门五金厂",
            责任人="王建国",
            联系电话="138 0013 8000",
            整改要求="清理通道",
            整改期限="2025-06-30",
            状态="整改中",
        ),
        good_row(4, 隐患等级="重大", 责任单位="无名小店", 整改要求="更换灭火器", 状态="已整改"),
        good_row(
            5,
            隐患等级="一般",
            整改要求="拆除违建",
            整改期限=datetime(2025, 5, 25),
            状态="已销号",
            所在网格=None,
            经度=POINT_A[1],
            纬度=POINT_A[0],
        ),
    ]
    result = run(cast, xlsx(rows))

    assert result.ok, result.errors
    assert result.imported == 5
    hazards = {h.ledger_ref: h for h in Hazard.objects.all()}
    assert {h.state for h in hazards.values()} == {
        CaseState.REGISTERED,
        CaseState.GRADED,
        CaseState.ASSIGNED,
        CaseState.SUBMITTED,
        CaseState.CLOSED,
    }
    assert hazards["DM-0001"].state == CaseState.REGISTERED
    assert hazards["DM-0002"].state == CaseState.GRADED
    assigned = hazards["DM-0003"]
    assert assigned.state == CaseState.ASSIGNED
    assert assigned.assignee_org == cast.company
    assert assigned.responsible_name == "东门五金厂"
    assert assigned.requirement == "清理通道"
    assert timezone.localtime(assigned.deadline).date() == date(2025, 6, 30)
    submitted = hazards["DM-0004"]
    assert submitted.state == CaseState.SUBMITTED
    assert submitted.assignee_org is None
    assert submitted.assignee_unit == cast.grid_a  # no known company: the grid follows it up
    assert submitted.responsible_name == "无名小店"
    closed = hazards["DM-0005"]
    assert closed.state == CaseState.CLOSED
    assert closed.unit == cast.grid_a  # found from the coordinates
    assert closed.closed_by == cast.alice
    assert timezone.localtime(closed.deadline).date() == date(2025, 5, 25)
    assert not closed.is_overdue
    history = list(closed.transitions.values_list("action", flat=True))
    assert history == ["register", "grade", "assign", "verify"]
    assert "原台账" in closed.transitions.get(action="verify").note
    for hazard in hazards.values():
        assert hazard.source == HazardSource.IMPORT
        assert hazard.unit == cast.grid_a
        assert hazard.created_by == cast.alice
        assert timezone.localtime(hazard.found_at).date() == date(2025, 5, 20)


def test_one_audit_row_summarises_the_batch_and_the_importer_is_every_actor(cast: Cast) -> None:
    last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    result = run(cast, xlsx([good_row(1), good_row(2, 隐患等级="重大")]))
    assert result.ok
    summary = AuditEvent.objects.get(action="hazard.import")
    assert summary.actor == cast.alice
    assert summary.unit == cast.station_a
    assert summary.detail["rows"] == 2
    assert summary.detail["states"] == {"registered": 1, "graded": 1}
    assert summary.detail["file"] == "台账.xlsx"
    written = AuditEvent.objects.filter(pk__gt=last)
    assert written.count() == 2 + 1 + 1  # two registrations, one grading, one hazard.import
    assert set(written.values_list("actor", flat=True)) == {cast.alice.pk}


def test_the_source_filter_finds_the_imported_hazards(cast: Cast) -> None:
    do_register_hazard(
        actor=cast.bob,
        title="手工登记",
        category=HazardCategory.FIRE,
        description="d",
        lat=POINT_A[0],
        lon=POINT_A[1],
    )
    run(cast, xlsx([good_row(1)]))
    imported = Hazard.objects.filter(source=HazardSource.IMPORT)
    assert list(imported.values_list("ledger_ref", flat=True)) == ["DM-0001"]


# ---------------------------------------------------------------- row errors


def test_errors_in_rows_3_and_7_are_reported_exactly_and_nothing_is_written(cast: Cast) -> None:
    rows = [good_row(n) for n in range(1, 9)]  # Excel rows 2..9
    rows[1]["隐患类别"] = "火灾"  # row 3, column C
    rows[5]["发现时间"] = "2099-01-01"  # row 7, column F
    before = counts()

    result = run(cast, xlsx(rows))

    assert where(result) == [(3, "C"), (7, "F")]
    assert result.errors[0].header == "隐患类别"
    assert result.errors[0].value == "火灾"
    assert "无效的隐患类别" in result.errors[0].message
    assert result.errors[1].header == "发现时间"
    assert "不能晚于今天" in result.errors[1].message
    assert result.imported == 0
    assert counts() == before


@pytest.mark.parametrize(
    ("values", "column", "message"),
    [
        ({"标题": ""}, "B", "请填写“标题”"),
        ({"标题": "长" * 201}, "B", "不能超过 200 个字"),
        ({"隐患等级": "特大"}, "D", "无效的隐患等级"),
        ({"发现时间": "上个月"}, "F", "无法识别的日期"),
        ({"发现时间": "2025-02-30"}, "F", "无法识别的日期"),
        ({"发现时间": "2025-06-03"}, "F", "不能晚于今天"),
        ({"所在网格": "不存在的网格"}, "G", "未知的网格"),
        ({"所在网格": "990103001001001"}, "G", "未知的网格"),  # grid B: not in station A
        ({"所在网格": None, "经度": 200, "纬度": 30}, "H", "超出范围"),
        ({"所在网格": None, "经度": "东经", "纬度": 30}, "H", "应为数字"),
        ({"所在网格": None, "经度": 120.09}, "I", "同时填写"),
        ({"所在网格": None, "经度": POINT_B[1], "纬度": POINT_B[0]}, "H", "不在“东门派出所”辖区内"),
        ({"经度": POINT_B[1], "纬度": POINT_B[0], "所在网格": "东门一网格"}, "H", "不在"),
        ({"所在网格": None}, "G", "请填写所在网格或经纬度"),
        ({"地址": None}, "J", "请填写地址或经纬度"),
        ({"联系电话": "12345"}, "M", "不是有效的"),
        ({"隐患等级": "一般", "整改期限": "2025-06-01"}, "O", "整改期限已过"),
        ({"整改期限": "2025-06-30"}, "O", "须填写隐患等级"),
        ({"状态": "整改中", "隐患等级": "一般"}, "N", "须填写整改要求"),
        ({"状态": "已整改", "整改要求": "整改"}, "D", "须填写隐患等级"),
        ({"状态": "作废"}, "P", "无效的状态"),
    ],
)
def test_each_kind_of_bad_cell_is_named_by_row_and_column(
    cast: Cast, values: dict[str, object], column: str, message: str
) -> None:
    result = run(cast, xlsx([good_row(1), good_row(2, **values)]))
    assert where(result) == [(3, column)]
    assert message in result.errors[0].message
    assert not Hazard.objects.exists()


def test_a_ledger_ref_repeated_in_the_file_names_the_first_row(cast: Cast) -> None:
    result = run(cast, xlsx([good_row(1), good_row(2), good_row(1, 标题="又一条")]))
    assert where(result) == [(4, "A")]
    assert "第 2 行" in result.errors[0].message


def test_a_ledger_ref_already_in_the_unit_is_a_duplicate(cast: Cast) -> None:
    assert run(cast, xlsx([good_row(1)])).ok
    result = run(cast, xlsx([good_row(2), good_row(1)]))
    assert where(result) == [(3, "A")]
    assert "已存在" in result.errors[0].message
    assert Hazard.objects.count() == 1


def test_a_missing_required_column_is_reported_once(cast: Cast) -> None:
    headers = [h for h in HEADERS if h != "隐患描述"]
    result = run(cast, xlsx([good_row(1), good_row(2)], headers=headers))
    assert where(result) == [(1, "")]
    assert "缺少必填列“隐患描述”" in result.errors[0].message


def test_too_many_rows_are_refused_with_the_limit(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ledger, "MAX_ROWS", 3)
    result = run(cast, xlsx([good_row(n) for n in range(1, 6)]))
    assert where(result) == [(None, "")]
    assert "上限 3 行" in result.errors[0].message
    assert not Hazard.objects.exists()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("台账.xls", b"\xd0\xcf\x11\xe0 old excel", ".xls"),
        ("台账.txt", b"title,category", "仅支持 .xlsx 和 .csv"),
        ("台账.xlsx", b"this is not a zip", "不是有效的 .xlsx"),
        ("台账.xlsx", b"PK\x03\x04 broken zip", "不是有效的 .xlsx"),
        ("台账.csv", "说明,无表头\n1,2\n".encode(), "未找到表头行"),
    ],
)
def test_a_file_that_is_not_a_ledger_is_refused(
    cast: Cast, name: str, data: bytes, message: str
) -> None:
    result = run(cast, data, name=name)
    assert len(result.errors) == 1
    assert result.errors[0].row is None
    assert message in result.errors[0].message


def test_a_workbook_that_unpacks_too_large_is_refused(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ledger, "MAX_UNPACKED_BYTES", 1000)
    result = run(cast, xlsx([good_row(1)]))
    assert where(result) == [(None, "")]
    assert "解压后过大" in result.errors[0].message


def test_an_empty_ledger_says_so(cast: Cast) -> None:
    result = run(cast, xlsx([]))
    assert "没有数据行" in result.errors[0].message


# ---------------------------------------------------------------- tolerant reading


def test_a_gb18030_csv_with_english_headers_in_another_order_is_read(cast: Cast) -> None:
    text = (
        "Status,Found at,Title,Category,Description,Grid,Address,Grade,Requirement\r\n"
        f"整改中,2025/05/20,电线私拉乱接,消防,楼道飞线充电,{GRID_A},东门路1号,一般,拆除飞线\r\n"
        f"已销号,2025/5/1,路灯损坏,交通安全,路口路灯不亮,东门一网格,东门路2号,,\r\n"
    )
    result = run(cast, text.encode("gb18030"), name="ledger.csv")
    assert result.ok, result.errors
    states = dict(Hazard.objects.values_list("title", "state"))
    assert states == {"电线私拉乱接": CaseState.ASSIGNED, "路灯损坏": CaseState.CLOSED}


def test_a_semicolon_separated_csv_is_read(cast: Cast) -> None:
    text = (
        "标题;隐患类别;隐患描述;发现时间;所在网格;地址\n"
        "消防通道堵塞, 严重;消防安全;纸箱, 杂物;2025-05-20;东门一网格;东门路1号\n"
    )
    result = run(cast, text.encode(), name="ledger.csv")
    assert result.ok, result.errors
    assert Hazard.objects.get().title == "消防通道堵塞, 严重"


def test_a_title_line_above_messy_headers_is_skipped(cast: Cast) -> None:
    headers = [" 标题 ", "隐患类别(必填)", "*隐患描述", "发现日期", "网格代码", "详细地址"]
    rows = [
        {
            " 标题 ": "占道经营",
            "隐患类别(必填)": "治安",
            "*隐患描述": "夜市占道",
            "发现日期": datetime(2025, 5, 30, 21, 15),
            "网格代码": GRID_A,
            "详细地址": "东门夜市",
        }
    ]
    result = run(cast, xlsx(rows, headers=headers, above=2))
    assert result.ok, result.errors
    hazard = Hazard.objects.get()
    assert hazard.category == HazardCategory.PUBLIC_ORDER
    assert timezone.localtime(hazard.found_at).strftime("%Y-%m-%d %H:%M") == "2025-05-30 21:15"


def test_errors_in_a_file_with_a_title_line_keep_excel_row_numbers(cast: Cast) -> None:
    rows = [good_row(1), good_row(2, 隐患类别="?")]
    result = run(cast, xlsx(rows, above=1))
    assert where(result) == [(4, "C")]


def test_csv_errors_name_the_spreadsheet_row_past_blank_lines_and_multi_line_cells(
    cast: Cast,
) -> None:
    text = (
        "标题,隐患类别,隐患描述,发现时间,所在网格,地址\r\n"  # row 1
        "\r\n"  # row 2, blank
        f'通道堵塞,消防安全,"纸箱堆放\r\n后门",2025-05-20,{GRID_A},东门路1号\r\n'  # row 3
        "\r\n"  # row 4, blank
        f"路灯损坏,外星,路灯不亮,2025-05-20,{GRID_A},东门路2号\r\n"  # row 5
    )
    result = run(cast, text.encode(), name="ledger.csv")
    assert where(result) == [(5, "B")]
    # Old Excel for Mac ends lines with a bare CR; the rows are numbered the same.
    result = run(cast, text.replace("\r\n", "\r").encode(), name="ledger.csv")
    assert where(result) == [(5, "B")]


def test_workbook_errors_name_the_spreadsheet_row_past_empty_rows(cast: Cast) -> None:
    book = openpyxl.load_workbook(io.BytesIO(xlsx([good_row(1)])))
    sheet = book.worksheets[0]
    for _ in range(3):
        sheet.append([])  # rows 3 to 5 left empty
    bad = good_row(2, 隐患类别="?")
    sheet.append([bad.get(h) for h in HEADERS])
    buffer = io.BytesIO()
    book.save(buffer)
    assert where(run(cast, buffer.getvalue())) == [(6, "C")]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (datetime(2025, 5, 20), "2025-05-20 00:00"),
        (date(2025, 5, 20), "2025-05-20 00:00"),
        ("2025/05/20", "2025-05-20 00:00"),
        ("2025-5-20 08:30", "2025-05-20 08:30"),
        ("2025年5月20日", "2025-05-20 00:00"),
        ("20250520", "2025-05-20 00:00"),
        (45797, "2025-05-20 00:00"),  # a date cell that lost its format
    ],
)
def test_dates_are_read_from_cells_and_text(cast: Cast, cell: object, expected: str) -> None:
    result = run(cast, xlsx([good_row(1, 发现时间=cell)]))
    assert result.ok, result.errors
    found = timezone.localtime(Hazard.objects.get().found_at)
    assert found.strftime("%Y-%m-%d %H:%M") == expected


def test_phone_numbers_are_checked_loosely(cast: Cast) -> None:
    phones = ["13800138000", "0571-88886666", "+86 139 0000 1111", "400-800-1234", 13800138000]
    rows = [good_row(n, 联系电话=p) for n, p in enumerate(phones, start=1)]
    assert run(cast, xlsx(rows)).ok
    assert Hazard.objects.filter(responsible_phone="13800138000").count() == 2


def test_a_company_is_linked_only_within_the_importers_scope(cast: Cast) -> None:
    rows = [good_row(1, 隐患等级="一般", 责任单位="西门纺织厂", 整改要求="整改", 状态="整改中")]
    assert run(cast, xlsx(rows)).ok
    hazard = Hazard.objects.get()
    assert hazard.assignee_org is None  # other_company is in district B
    assert hazard.responsible_name == "西门纺织厂"


# ---------------------------------------------------------------- permission and dry run


def test_a_dry_run_checks_and_writes_nothing(cast: Cast) -> None:
    before = counts()
    result = run(cast, xlsx([good_row(1), good_row(2)]), dry_run=True)
    assert result.ok and result.rows == 2 and result.imported == 0
    assert counts() == before


def test_a_grid_worker_may_not_import(cast: Cast) -> None:
    with pytest.raises(NotPermitted):
        run(cast, xlsx([good_row(1)]), actor=cast.bob, unit=cast.grid_a)


def test_it_rejects_other_jurisdiction(cast: Cast) -> None:
    with pytest.raises(ValidationError) as err:
        run(cast, xlsx([good_row(1)]), actor=cast.charlie)
    assert "unit" in err.value.message_dict
    assert not Hazard.objects.exists()


def test_an_import_into_a_grid_needs_no_grid_column(cast: Cast) -> None:
    result = run(cast, xlsx([good_row(1, 所在网格=None)]), unit=cast.grid_a)
    assert result.ok, result.errors
    assert Hazard.objects.get().unit == cast.grid_a


# ---------------------------------------------------------------- the page


def login(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def upload(data: bytes, name: str = "台账.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def test_the_import_page_asks_anonymous_users_to_log_in(client: Client, cast: Cast) -> None:
    for name in ("hazards:hazard-import", "hazards:ledger-template"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert reverse("login") in response["Location"]


def test_the_import_page_refuses_users_without_the_import_capability(
    client: Client, cast: Cast
) -> None:
    for user in (cast.bob, cast.erin, cast.frank):
        login(client, user)
        assert client.get(reverse("hazards:hazard-import")).status_code == 403
        assert client.get(reverse("hazards:ledger-template")).status_code == 403
        response = client.post(
            reverse("hazards:hazard-import"),
            {"unit": GRID_A, "file": upload(xlsx([good_row(1)]))},
        )
        assert response.status_code == 403
    assert not Hazard.objects.exists()


def test_the_import_page_imports_a_good_file(client: Client, cast: Cast) -> None:
    login(client, cast.alice)
    page = client.get(reverse("hazards:hazard-import"))
    assert page.status_code == 200
    assert "东门派出所" in page.content.decode()
    response = client.post(
        reverse("hazards:hazard-import"),
        {"unit": cast.station_a.code, "file": upload(xlsx([good_row(1), good_row(2)]))},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "已导入 2 条隐患" in body
    assert "?source=import" in body
    assert Hazard.objects.count() == 2
    event = AuditEvent.objects.get(action="hazard.import")
    assert event.channel == "web"


def test_the_import_page_shows_every_error_and_writes_nothing(client: Client, cast: Cast) -> None:
    login(client, cast.alice)
    rows = [good_row(1), good_row(2, 隐患类别="火灾"), good_row(3, 发现时间="明天")]
    before = counts()
    response = client.post(
        reverse("hazards:hazard-import"),
        {"unit": cast.station_a.code, "file": upload(xlsx(rows))},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "2 处错误" in body
    assert "第 3 行" in body and "第 4 行" in body
    assert "C 隐患类别" in body and "F 发现时间" in body
    assert "火灾" in body
    assert counts() == before


def test_the_import_page_refuses_a_unit_of_another_jurisdiction(client: Client, cast: Cast) -> None:
    login(client, cast.charlie)
    page = client.get(reverse("hazards:hazard-import")).content.decode()
    assert "西门派出所" in page and "东门派出所" not in page
    response = client.post(
        reverse("hazards:hazard-import"),
        {"unit": cast.station_a.code, "file": upload(xlsx([good_row(1)]))},
    )
    assert response.status_code == 400
    assert not Hazard.objects.exists()


def test_the_import_page_refuses_a_wrong_file_type(client: Client, cast: Cast) -> None:
    login(client, cast.alice)
    response = client.post(
        reverse("hazards:hazard-import"),
        {"unit": cast.station_a.code, "file": upload(b"MZ\x90\x00", name="virus.exe")},
    )
    assert response.status_code == 400
    assert "仅支持 .xlsx 和 .csv" in response.content.decode()


# ---------------------------------------------------------------- the template


def template_book(client: Client) -> openpyxl.Workbook:
    response = client.get(reverse("hazards:ledger-template"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return openpyxl.load_workbook(io.BytesIO(response.content))


def test_the_template_has_the_header_row_and_drop_down_lists(client: Client, cast: Cast) -> None:
    book = template_book(login(client, cast.alice))
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]] == HEADERS
    ranges = {str(v.sqref) for v in sheet.data_validations.dataValidation}
    assert ranges == {"C2:C20001", "D2:D20001", "G2:G20001", "P2:P20001"}
    options = book.worksheets[1]
    assert options.sheet_state == "hidden"
    assert [c.value for c in options["A"][1:]] == [
        "消防安全",
        "安全生产",
        "治安",
        "交通安全",
        "生态环境",
        "其他",
    ]
    assert [c.value for c in options["B"][1:4]] == ["重大", "较大", "一般"]
    assert [c.value for c in options["D"][1:] if c.value] == ["东门一网格"]


def test_the_template_lists_only_the_users_own_grids(client: Client, cast: Cast) -> None:
    options = template_book(login(client, cast.charlie)).worksheets[1]
    assert [c.value for c in options["D"][1:] if c.value] == ["西门一网格"]


def test_a_filled_template_imports(client: Client, cast: Cast) -> None:
    book = template_book(login(client, cast.alice))
    sheet = book.worksheets[0]
    sheet.append([good_row(1).get(h) for h in HEADERS])
    buffer = io.BytesIO()
    book.save(buffer)
    assert run(cast, buffer.getvalue()).ok


# ---------------------------------------------------------------- the command


def test_the_command_imports_and_says_how_many(cast: Cast, tmp_path: Any) -> None:
    path = tmp_path / "台账.xlsx"
    path.write_bytes(xlsx([good_row(1), good_row(2)]))
    out = io.StringIO()
    call_command("import_hazards", str(path), unit=cast.station_a.code, user="alice", stdout=out)
    assert "已导入 2 条隐患" in out.getvalue()
    assert Hazard.objects.count() == 2
    assert AuditEvent.objects.get(action="hazard.import").channel == "cli"


def test_the_command_prints_row_errors_and_exits_non_zero(cast: Cast, tmp_path: Any) -> None:
    path = tmp_path / "台账.xlsx"
    path.write_bytes(xlsx([good_row(1), good_row(2, 隐患类别="火灾"), good_row(3, 联系电话="1")]))
    err = io.StringIO()
    with pytest.raises(CommandError) as failed:
        call_command(
            "import_hazards", str(path), unit=cast.station_a.code, user="alice", stderr=err
        )
    assert failed.value.returncode == 1
    assert "2 处错误" in str(failed.value)
    lines = err.getvalue().strip().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("第 3 行 C 列(隐患类别) “火灾”:无效的隐患类别")
    assert lines[1].startswith("第 4 行 M 列(联系电话)")
    assert not Hazard.objects.exists()


def test_the_command_exit_code_reaches_the_shell(cast: Cast, tmp_path: Any) -> None:
    from django.core.management import ManagementUtility

    path = tmp_path / "台账.xlsx"
    path.write_bytes(xlsx([good_row(1, 隐患类别="火灾")]))
    argv = ["shouwang", "import_hazards", str(path), "--unit", cast.station_a.code]
    with pytest.raises(SystemExit) as exited:
        ManagementUtility([*argv, "--user", "alice"]).execute()
    assert exited.value.code == 1


def test_the_command_dry_run_writes_nothing(cast: Cast, tmp_path: Any) -> None:
    path = tmp_path / "台账.csv"
    path.write_bytes(
        "标题,隐患类别,隐患描述,发现时间,所在网格,地址\n占道,治安,占道,2025-05-01,东门一网格,东门\n".encode()
    )
    out = io.StringIO()
    call_command(
        "import_hazards",
        str(path),
        unit=cast.station_a.code,
        user="alice",
        dry_run=True,
        stdout=out,
    )
    assert "检查通过" in out.getvalue()
    assert not Hazard.objects.exists()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"user": "nobody", "unit": "990102001"}, "nobody"),
        ({"user": "alice", "unit": "000"}, "000"),
        ({"user": "bob", "unit": "990102001001001"}, "没有导入台账的权限"),
        ({"user": "charlie", "unit": "990102001"}, "本辖区"),
    ],
)
def test_the_command_refuses_bad_users_and_units(
    cast: Cast, tmp_path: Any, options: dict[str, str], message: str
) -> None:
    path = tmp_path / "台账.xlsx"
    path.write_bytes(xlsx([good_row(1)]))
    with pytest.raises(CommandError) as failed:
        call_command("import_hazards", str(path), **options)
    assert message in str(failed.value)
    assert not Hazard.objects.exists()


def test_grades_are_read_from_labels_and_codes(cast: Cast) -> None:
    rows = [good_row(1, 隐患等级="重大隐患"), good_row(2, 隐患等级="general")]
    assert run(cast, xlsx(rows)).ok
    assert set(Hazard.objects.values_list("grade", flat=True)) == {
        HazardGrade.MAJOR,
        HazardGrade.GENERAL,
    }


def test_the_english_labels_of_an_english_export_read_back() -> None:
    from django.utils import translation

    from shouwang.cases.choices import CaseState
    from shouwang.hazards.choices import HazardCategory, HazardGrade
    from shouwang.hazards.ledger_values import (
        CATEGORY_WORDS,
        GRADE_WORDS,
        LedgerStatus,
        normalise_word,
        status_value,
    )

    with translation.override("en"):
        fire = str(HazardCategory.FIRE.label)
        major = str(HazardGrade.MAJOR.label)
        submitted = str(CaseState.SUBMITTED.label)
    assert fire != "消防安全"  # the English catalogue is compiled
    assert CATEGORY_WORDS[normalise_word(fire)] == HazardCategory.FIRE
    assert GRADE_WORDS[normalise_word(major)] == HazardGrade.MAJOR
    assert status_value(submitted) == LedgerStatus.RECTIFIED
    assert status_value("已销号") == LedgerStatus.CLOSED
    assert status_value("nonsense") is None


def test_english_errors_list_the_accepted_values_with_english_commas(cast: Cast) -> None:
    from django.utils import translation

    with translation.override("en"):
        result = run(cast, xlsx([good_row(1, 隐患类别="火灾", 隐患等级="特大")]))
    messages = [e.message for e in result.errors]
    assert any("Fire safety, Work safety, " in m for m in messages), messages
    assert any("Major, Significant, General" in m for m in messages), messages
    assert not any("、" in m for m in messages)


def test_a_point_outside_the_unit_names_its_grid_only_to_someone_who_may_see_it(
    cast: Cast,
) -> None:
    row = good_row(1, 所在网格=None, 经度=POINT_B[1], 纬度=POINT_B[0])
    alice = run(cast, xlsx([row]))
    assert "不在“东门派出所”辖区内" in alice.errors[0].message
    assert cast.grid_b.name not in alice.errors[0].message  # station B's grid: not hers
    admin = run(cast, xlsx([row]), actor=cast.admin)
    assert f"位于“{cast.grid_b.name}”" in admin.errors[0].message
