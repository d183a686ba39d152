"""The anti-fraud centre end to end in a real browser: a station officer registers a report
with two phone numbers and two receiving accounts; four requests appear at once with their
deadlines; the bank's desk sees only its bank's request and answers it with the amount frozen;
the case view shows the 止损 figure; a second report naming the same account links to the first.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from shouwang.antifraud.choices import RequestState
from shouwang.antifraud.models import FraudReport, PartnerRequest
from shouwang.antifraud.tests.factories import CARD_1, CARD_2, PHONE_1, PHONE_2
from shouwang.common.testing import Cast

from .conftest import Login

pytestmark = pytest.mark.browser
Shot = Callable[[Page, str], Path]


def _fill_report(
    page: Page, cast: Cast, *, phones: list[str], accounts: list[tuple[str, str, str]]
) -> None:
    now = timezone.localtime()
    page.select_option("select[name=fraud_type]", "investment")
    page.fill("input[name=occurred_at]", (now - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("input[name=loss_amount]", "58000")
    page.fill("input[name=victim_name]", "王小明")
    page.fill("input[name=victim_phone]", "13900001111")
    for n, phone in enumerate(phones):
        page.select_option(f"select[name=indicator-{n}-kind]", "phone")
        page.fill(f"input[name=indicator-{n}-value]", phone)
    for n, (account, bank, amount) in enumerate(accounts):
        page.select_option(f"select[name=transfer-{n}-to_kind]", "bank_card")
        page.fill(f"input[name=transfer-{n}-to_account]", account)
        page.select_option(f"select[name=transfer-{n}-to_institution]", label=bank)
        page.fill(f"input[name=transfer-{n}-amount]", amount)
        at = now - timedelta(hours=2, minutes=-10 * n)
        page.fill(f"input[name=transfer-{n}-at]", at.strftime("%Y-%m-%dT%H:%M"))


def test_report_requests_desk_answer_and_stop_loss(
    cast: Cast, log_in: Login, live_server: Any, screenshot: Shot, page_errors: list[str]
) -> None:
    base = live_server.url
    carol = log_in(cast.carol)
    carol.goto(f"{base}/antifraud/new/")
    _fill_report(
        carol,
        cast,
        phones=[PHONE_1, PHONE_2],
        accounts=[(CARD_1, cast.bank.name, "30000"), (CARD_2, cast.other_bank.name, "28000")],
    )
    screenshot(carol, "1-form")
    carol.click("button:has-text('登记并发出协查请求')")
    carol.wait_for_url(lambda url: "/new/" not in url)
    report = FraudReport.objects.get()
    rows = carol.locator("#request-table tbody tr")
    assert rows.count() == 4
    table = carol.inner_text("#request-table")
    for value in (PHONE_1[-4:], PHONE_2[-4:], CARD_1, CARD_2):
        assert value in table
    assert table.count("剩余") == 4  # every request shows its deadline counting down
    requests = list(PartnerRequest.objects.filter(report=report))
    assert len(requests) == 4 and all(r.deadline > r.created_at for r in requests)
    assert "王*明" in carol.inner_text("main") and "王小明" not in carol.inner_text("main")
    screenshot(carol, "2-requests")

    dora = log_in(cast.dora)
    dora.goto(f"{base}/antifraud/desk/")
    desk = dora.inner_text("#desk-table")
    assert CARD_1 in desk and CARD_2 not in desk and PHONE_1 not in desk
    assert dora.locator("#desk-table tbody tr").count() == 1
    screenshot(dora, "3-desk")
    dora.click("#desk-table a:has-text('答复')")
    dora.check("input[name=outcome][value=done]")
    dora.fill("input[name=amount_frozen]", "29000")
    dora.fill("input[name=partner_reference]", "BK-2026-0001")
    dora.click("button:has-text('提交答复')")
    dora.wait_for_url(f"{base}/antifraud/desk/")
    mine = PartnerRequest.objects.get(report=report, organisation=cast.bank)
    assert mine.state == RequestState.DONE and str(mine.amount_frozen) == "29000.00"
    response = dora.goto(f"{base}/antifraud/{report.pk}/")
    assert response is not None and response.status in (403, 404)

    carol.goto(f"{base}/antifraud/{report.pk}/")
    assert carol.inner_text("#stop-loss-rate").strip() == "50.0%"
    assert carol.inner_text("#frozen-amount").replace(",", "").startswith("29000")
    carol.wait_for_selector("#af-network canvas")
    screenshot(carol, "4-stop-loss")

    # A second report naming the same receiving account links to the first.
    carol.goto(f"{base}/antifraud/new/")
    _fill_report(carol, cast, phones=[], accounts=[(CARD_1, cast.bank.name, "5000")])
    carol.click("button:has-text('登记并发出协查请求')")
    carol.wait_for_url(lambda url: "/new/" not in url)
    second = FraudReport.objects.exclude(pk=report.pk).get()
    assert report.reference in carol.inner_text("#linked-reports")
    carol.click(f"#linked-reports a:has-text('{report.reference}')")
    carol.wait_for_url(f"{base}/antifraud/{report.pk}/")
    assert second.reference in carol.inner_text("#linked-reports")
    screenshot(carol, "5-linked")
    assert page_errors == []
