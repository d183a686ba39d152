from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from shouwang.antifraud.models import FraudReport, PartnerRequest
from shouwang.antifraud.tests.factories import CARD_1
from shouwang.antifraud.tracing.actions import do_import_statement, do_run_trace
from shouwang.antifraud.tracing.models import StatementMapping, Trace, Transaction
from shouwang.antifraud.tracing.tests.statements import (
    BALANCE_HEADER,
    MAPPING,
    MULE_1,
    MULE_2,
    as_csv,
    card_1_rows,
    card_1_with_gaps,
    mule_1_rows,
    register_report,
    save_mappings,
    with_balances,
)
from shouwang.common.apitest import session_client
from shouwang.common.testing import Cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(cast: Cast) -> FraudReport:
    save_mappings(cast)
    report = register_report(cast)
    for name, rows in (("card1.csv", card_1_rows()), ("mule1.csv", mule_1_rows())):
        do_import_statement(
            report, organisation=cast.bank, filename=name, content=as_csv(rows), actor=cast.ivan
        )
    return report


@pytest.fixture
def trace(cast: Cast, report: FraudReport) -> Trace:
    return do_run_trace(report, transfer=report.transfers.all()[0], actor=cast.ivan)


def test_report_page_links_each_transfer_to_tracing(cast: Cast, report: FraudReport) -> None:
    page = session_client(cast.alice).get(f"/antifraud/{report.pk}/")
    assert page.status_code == 200
    assert f"/antifraud/trace/reports/{report.pk}/?transfer=" in page.content.decode()


def test_workspace_lists_statements_and_runs_a_trace(cast: Cast, report: FraudReport) -> None:
    client = session_client(cast.ivan)
    page = client.get(f"/antifraud/trace/reports/{report.pk}/")
    assert page.status_code == 200
    assert "card1.csv" in page.content.decode()
    transfer = report.transfers.all()[0]
    params = {"transfer": transfer.pk, "rule": "haircut", "max_hops": 4, "window_hours": 48}
    response = client.post(f"/antifraud/trace/reports/{report.pk}/run/", params)
    saved = Trace.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/trace/{saved.pk}/")
    assert (saved.rule, saved.max_hops, saved.window_hours) == ("haircut", 4, 48)
    assert 'id="match-limits"' in page.content.decode()
    match = {**params, "rule": "match", "match_within_hours": 120, "match_fee_percent": "2"}
    client.post(f"/antifraud/trace/reports/{report.pk}/run/", {**match, "match_skips": 1})
    matched = Trace.objects.get(rule="match")
    assert (matched.match_within_hours, matched.match_skips) == (120, 1)
    html = client.get(f"/antifraud/trace/{matched.pk}/").content.decode()
    assert "匹配时限 120 小时 · 容差 2.0% · 跳过 1 笔" in html
    bad = client.post(f"/antifraud/trace/reports/{report.pk}/run/", {**match, "match_skips": "two"})
    assert bad.status_code == 302 and Trace.objects.filter(rule="match").count() == 1


def test_trace_page_shows_freeze_list_graph_and_masks_the_victims_account(
    cast: Cast, trace: Trace
) -> None:
    client = session_client(cast.ivan)
    html = client.get(f"/antifraud/trace/{trace.pk}/").content.decode()
    assert html.index(MULE_1) < html.index(MULE_2)  # ranked by money held
    assert "6222000011112222" not in html and "6222********2222" in html
    graph = client.get(f"/antifraud/trace/{trace.pk}/graph.json").json()
    roles = {n["id"]: n["role"] for n in graph["nodes"]}
    assert roles[CARD_1] == "start" and roles[MULE_1] == "holds"
    assert "cash_out" in roles.values() and "6222000011112222" not in str(graph)
    assert {"source": CARD_1, "target": MULE_1, "amount": 20000.0} in graph["links"]


def test_sending_freezes_from_the_page(cast: Cast, trace: Trace) -> None:
    client = session_client(cast.ivan)
    before = PartnerRequest.objects.count()
    response = client.post(f"/antifraud/trace/{trace.pk}/freeze/", {"account": [MULE_1]})
    assert response.status_code == 302
    assert PartnerRequest.objects.count() == before + 1
    desk = session_client(cast.dora).get("/antifraud/desk/").content.decode()
    assert MULE_1 in desk
    # Sending it again is refused with a message, nothing written.
    client.post(f"/antifraud/trace/{trace.pk}/freeze/", {"account": [MULE_1]})
    assert PartnerRequest.objects.count() == before + 1


def test_upload_with_a_bad_row_shows_row_and_column_and_writes_nothing(
    cast: Cast, report: FraudReport
) -> None:
    client = session_client(cast.ivan)
    count = Transaction.objects.count()
    rows = [*card_1_rows(), ["昨天", CARD_1, "收", "1", "x", "", "", "9"]]
    upload = SimpleUploadedFile("bad.csv", as_csv(rows))
    response = client.post(
        f"/antifraud/trace/reports/{report.pk}/statements/",
        {"organisation": cast.bank.pk, "file": upload},
        follow=True,
    )
    assert "第 5 行，“交易时间”列" in response.content.decode()
    assert Transaction.objects.count() == count


@pytest.mark.parametrize(
    ("language", "money_in", "money_out", "continuous"),
    [
        (
            "zh-hans",
            "第 2 行与第 3 行之间余额多出 1,000.00 元,没有交易说明(有转入未列出,流水可能缺页),"
            "请向银行调取完整流水。",
            "第 3 行与第 4 行之间余额少了 500.00 元,没有交易说明(有转出未列出,流水可能缺页),"
            "请向银行调取完整流水。",
            "余额逐行连续,未见缺页。",
        ),
        (
            "en",
            "Between rows 2 and 3 the balance rises 1,000.00 yuan more than the transactions",
            "Between rows 3 and 4 the balance falls 500.00 yuan more than the transactions",
            "Balances continuous row by row",
        ),
    ],
)
def test_the_workspace_shows_each_balance_break_of_a_statement(
    cast: Cast, language: str, money_in: str, money_out: str, continuous: str
) -> None:
    save_mappings(cast, balance=True)
    report = register_report(cast)
    client = session_client(cast.ivan)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    url = f"/antifraud/trace/reports/{report.pk}/statements/"
    gaps = SimpleUploadedFile("gaps.csv", as_csv(card_1_with_gaps(), BALANCE_HEADER))
    response = client.post(url, {"organisation": cast.bank.pk, "file": gaps}, follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    statements = _part(html, 'id="statement-list"', "</section>")
    entry = _part(statements, "gaps.csv", "</li></ul>")  # its entry, breaks and all
    assert money_in in entry and money_out in entry and continuous not in entry
    # and the import's message says so at the top
    assert "gaps.csv" in _part(html, 'class="messages"', "</ul>")
    # A continuous statement says it is; one whose bank gives no balance says nothing of it.
    rows = with_balances(mule_1_rows(), "80.00")
    whole = SimpleUploadedFile("mule1.csv", as_csv(rows, BALANCE_HEADER))
    client.post(url, {"organisation": cast.bank.pk, "file": whole})
    save_mappings(cast)
    plain = SimpleUploadedFile("card1.csv", as_csv(card_1_rows()))
    client.post(url, {"organisation": cast.bank.pk, "file": plain})
    html = client.get(f"/antifraud/trace/reports/{report.pk}/").content.decode()
    statements = _part(html, 'id="statement-list"', "</section>")
    assert continuous in _part(statements, "mule1.csv", "</li>")
    plain_entry = _part(statements, "card1.csv", "</li>")
    assert continuous not in plain_entry and "balance-breaks" not in plain_entry


def _part(html: str, start: str, end: str) -> str:
    """The html from ``start`` to the next ``end``."""
    at = html.index(start)
    return html[at : html.index(end, at)]


def _field(html: str, name: str) -> str:
    """The statement form's label that holds the field ``name`` (its errors are inside)."""
    return _part(html, f'name="{name}"', "</label>")


@pytest.mark.parametrize(
    ("language", "bank_error", "file_error"),
    [
        ("zh-hans", "请选择银行。", "请选择流水文件。"),
        ("en", "Choose a bank.", "Choose a statement file."),
    ],
)
def test_import_errors_show_beside_their_fields_and_at_the_top(
    cast: Cast, report: FraudReport, language: str, bank_error: str, file_error: str
) -> None:
    client = session_client(cast.ivan)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    url = f"/antifraud/trace/reports/{report.pk}/statements/"
    response = client.post(url, {"organisation": ""})
    assert response.status_code == 422
    html = response.content.decode()
    assert bank_error in _field(html, "organisation") and file_error in _field(html, "file")
    messages = _part(html, 'class="messages"', "</ul>")
    assert bank_error in messages and file_error in messages
    # A file that fails its checks: the row and column beside the file field, the bank kept.
    bad = SimpleUploadedFile("bad.csv", as_csv([["昨天", CARD_1, "收", "1", "x", "", "", "9"]]))
    response = client.post(url, {"organisation": cast.other_bank.pk, "file": bad})
    html = response.content.decode()
    assert response.status_code == 422 and "交易时间" in _field(html, "file")
    assert f'<option value="{cast.other_bank.pk}" selected>' in html


def test_without_layouts_the_workspace_says_so_and_links_to_them_for_those_who_may_edit(
    cast: Cast,
) -> None:
    report = register_report(cast)  # no bank has a statement layout yet
    url = f"/antifraud/trace/reports/{report.pk}/"
    chief = session_client(cast.alice)
    chief.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = chief.get(url).content.decode()
    hint = _part(html, 'id="no-layouts"', "</p>")
    assert "No bank has a statement layout yet" in hint and "Set up the banks" in hint
    assert 'href="/antifraud/trace/mappings/"' in hint
    assert 'id="statement-form"' not in html
    # An officer who may not edit layouts gets the sentence, without a link that would be a 403.
    html = session_client(cast.carol).get(url).content.decode()
    hint = _part(html, 'id="no-layouts"', "</p>")
    assert "还没有银行设置流水格式" in hint and "/antifraud/trace/mappings/" not in html
    save_mappings(cast)
    html = chief.get(url).content.decode()
    assert 'id="no-layouts"' not in html and 'id="statement-form"' in html


def urls(report: FraudReport, trace: Trace) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        ("get", f"/antifraud/trace/reports/{report.pk}/", {}),
        ("post", f"/antifraud/trace/reports/{report.pk}/statements/", {}),
        ("post", f"/antifraud/trace/reports/{report.pk}/run/", {"transfer": 1}),
        ("get", f"/antifraud/trace/{trace.pk}/", {}),
        ("get", f"/antifraud/trace/{trace.pk}/graph.json", {}),
        ("post", f"/antifraud/trace/{trace.pk}/freeze/", {"account": [MULE_1]}),
    ]


def test_other_jurisdiction_gets_404_everywhere(
    cast: Cast, report: FraudReport, trace: Trace
) -> None:
    client = session_client(cast.charlie)
    for method, url, data in urls(report, trace):
        assert getattr(client, method)(url, data).status_code == 404, url


def test_partner_desks_see_none_of_it(cast: Cast, report: FraudReport, trace: Trace) -> None:
    client = session_client(cast.dora)
    for method, url, data in urls(report, trace):
        assert getattr(client, method)(url, data).status_code in {403, 404}, url
    assert client.get("/antifraud/trace/mappings/").status_code in {403, 404}
    assert client.get(f"/antifraud/trace/mappings/{cast.bank.pk}/").status_code in {403, 404}
    assert PartnerRequest.objects.filter(source="trace").count() == 0


def test_anonymous_is_sent_to_log_in(report: FraudReport) -> None:
    response = session_client(None).get(f"/antifraud/trace/reports/{report.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_centre_edits_a_banks_layout(cast: Cast) -> None:
    client = session_client(cast.ivan)
    assert client.get("/antifraud/trace/mappings/").status_code == 200
    form = {k: v for k, v in MAPPING.items() if isinstance(v, str)}
    form["channel_values"] = "ATM取款=atm\n消费=merchant"
    form["header_row"] = "2"
    response = client.post(f"/antifraud/trace/mappings/{cast.other_bank.pk}/", form)
    assert response.status_code == 302
    saved = StatementMapping.objects.get(organisation=cast.other_bank).mapping
    assert saved["channel_values"] == {"ATM取款": "atm", "消费": "merchant"}
    assert saved["header_row"] == 2 and saved["bank"] == cast.other_bank.name
    assert saved["balance"] is None  # optional
    page = client.get(f"/antifraud/trace/mappings/{cast.other_bank.pk}/").content.decode()
    assert 'id="balance-help"' in page and 'name="balance" value=""' in page
    client.post(f"/antifraud/trace/mappings/{cast.other_bank.pk}/", {**form, "balance": "余额"})
    saved = StatementMapping.objects.get(organisation=cast.other_bank).mapping
    assert saved["balance"] == "余额"
    page = client.get(f"/antifraud/trace/mappings/{cast.other_bank.pk}/").content.decode()
    assert 'name="balance" value="余额"' in page
    # A bank that writes money out and money in in two columns.
    two = {**form, "amount": "支出金额", "credit_amount": "存入金额", "direction": ""}
    client.post(f"/antifraud/trace/mappings/{cast.other_bank.pk}/", two)
    saved = StatementMapping.objects.get(organisation=cast.other_bank).mapping
    assert (saved["amount"], saved["credit_amount"]) == ("支出金额", "存入金额")
    assert saved["direction"] is None
    both = client.post(
        f"/antifraud/trace/mappings/{cast.other_bank.pk}/", {**two, "direction": "收支"}
    )
    assert both.status_code == 422 and "收支分两列时不需要收支方向列" in both.content.decode()
    same = {**two, "credit_amount": "支出金额"}
    bad_same = client.post(f"/antifraud/trace/mappings/{cast.other_bank.pk}/", same)
    assert bad_same.status_code == 422 and "收入金额列应与支出列不同" in bad_same.content.decode()
    bad = client.post(f"/antifraud/trace/mappings/{cast.bank.pk}/", {**form, "time": ""})
    assert bad.status_code == 422 and "请填写该列的表头" in bad.content.decode()
    assert session_client(cast.bob).get("/antifraud/trace/mappings/").status_code == 403


def test_the_trace_page_and_the_api_say_what_a_balance_showed_was_there_before(
    cast: Cast,
) -> None:
    save_mappings(cast, balance=True)
    report = register_report(cast)
    rows = with_balances(card_1_rows(), "20000.00")  # CARD_1 held 20,000 before the victim paid
    do_import_statement(
        report,
        organisation=cast.bank,
        filename="card1.csv",
        content=as_csv(rows, BALANCE_HEADER),
        actor=cast.ivan,
    )
    trace = do_run_trace(report, transfer=report.transfers.all()[0], actor=cast.ivan)
    client = session_client(cast.ivan)
    html = client.get(f"/antifraud/trace/{trace.pk}/").content.decode()
    section = _part(html, 'id="openings"', "</section>")
    assert CARD_1 in section and "20,000.00" in section
    body = client.get(f"/api/v1/antifraud/trace/traces/{trace.pk}").json()
    assert [(o["account"], o["amount"]) for o in body["openings"]] == [(CARD_1, 20000.0)]
    # A trace on statements without balances has no such section.
    save_mappings(cast)
    other = register_report(cast)
    do_import_statement(
        other, organisation=cast.bank, filename="c.csv", content=as_csv(card_1_rows()),
        actor=cast.ivan,
    )  # fmt: skip
    plain = do_run_trace(other, transfer=other.transfers.all()[0], actor=cast.ivan)
    plain_html = client.get(f"/antifraud/trace/{plain.pk}/").content.decode()
    assert 'id="openings"' not in plain_html and 'id="path-gaps"' not in plain_html


def test_the_trace_page_and_the_api_warn_of_missing_rows_where_the_money_went(
    cast: Cast,
) -> None:
    save_mappings(cast, balance=True)
    report = register_report(cast)
    do_import_statement(
        report,
        organisation=cast.bank,
        filename="gaps.csv",
        content=as_csv(card_1_with_gaps(), BALANCE_HEADER),
        actor=cast.ivan,
    )
    trace = do_run_trace(report, transfer=report.transfers.all()[0], actor=cast.ivan)
    client = session_client(cast.ivan)
    html = client.get(f"/antifraud/trace/{trace.pk}/").content.decode()
    section = _part(html, 'id="path-gaps"', "</section>")
    assert f"{CARD_1} · gaps.csv · " in section
    assert "第 3 行与第 4 行之间余额少了 500.00 元" in section
    body = client.get(f"/api/v1/antifraud/trace/traces/{trace.pk}").json()
    assert [(g["account"], g["rows"], g["amount"], g["filename"]) for g in body["gaps"]] == [
        (CARD_1, [2, 3], 1000.0, "gaps.csv"),
        (CARD_1, [3, 4], -500.0, "gaps.csv"),
    ]
