"""Fund tracing end to end in a real browser: the centre's analyst opens a report, follows
"追踪资金" from its transfer, imports two small bank statements, traces the money, sees the
flow graph and the freeze list, sends freeze requests for the top accounts, and the bank's
desk sees the new request."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from shouwang.antifraud.models import PartnerRequest
from shouwang.antifraud.tests.factories import CARD_1
from shouwang.antifraud.tracing.models import Trace, Transaction
from shouwang.antifraud.tracing.tests.statements import (
    MULE_1,
    MULE_2,
    as_csv,
    card_1_rows,
    mule_1_rows,
    register_report,
    save_mappings,
)
from shouwang.common.testing import Cast

from .conftest import Login

pytestmark = pytest.mark.browser
Shot = Callable[[Page, str], Path]


def test_trace_from_a_transfer_to_the_bank_desk(
    cast: Cast,
    log_in: Login,
    live_server: Any,
    screenshot: Shot,
    page_errors: list[str],
    tmp_path: Path,
) -> None:
    base = live_server.url
    save_mappings(cast)
    report = register_report(cast)
    statements = []
    for name, rows in (("card1.csv", card_1_rows()), ("mule1.csv", mule_1_rows())):
        path = tmp_path / name
        path.write_bytes(as_csv(rows))
        statements.append(path)

    ivan = log_in(cast.ivan)
    ivan.goto(f"{base}/antifraud/{report.pk}/")
    ivan.click("a:has-text('追踪资金') >> nth=0")
    ivan.wait_for_url(lambda url: "/antifraud/trace/reports/" in url)
    for path in statements:
        ivan.select_option("#statement-form select[name=organisation]", label=cast.bank.name)
        ivan.set_input_files("#statement-form input[name=file]", str(path))
        ivan.click("#statement-form button")
        ivan.wait_for_selector(f"#statement-list li:has-text('{path.name}')")
    assert Transaction.objects.filter(report=report).count() == 5
    screenshot(ivan, "1-statements")

    ivan.select_option("#trace-form select[name=rule]", "fifo")
    ivan.fill("#trace-form input[name=max_hops]", "6")
    ivan.fill("#trace-form input[name=window_hours]", "72")
    ivan.click("#trace-form button")
    ivan.wait_for_url(lambda url: "/reports/" not in url)
    trace = Trace.objects.get()
    ivan.wait_for_selector("#trace-graph[data-ready='5'] canvas")
    freeze_rows = ivan.locator("#freeze-list tbody tr")
    assert freeze_rows.count() == 3
    first = freeze_rows.nth(0).inner_text()
    assert MULE_1 in first and cast.bank.name in first and "15000.00" in first.replace(",", "")
    assert MULE_2 in freeze_rows.nth(1).inner_text()
    assert CARD_1 in freeze_rows.nth(2).inner_text()
    flows = ivan.inner_text("#flow-table")
    assert "6222********2222" in flows and "6222000011112222" not in ivan.content()
    screenshot(ivan, "2-trace")

    # The top two: untick the third, then send.
    ivan.uncheck(f"#freeze-list input[value='{CARD_1}']")
    ivan.click("#send-freezes")
    ivan.wait_for_selector("text=已发出 2 条冻结请求")
    sent = PartnerRequest.objects.filter(report=report, source="trace")
    assert {(r.indicator.value, r.organisation_id) for r in sent} == {
        (MULE_1, cast.bank.pk),
        (MULE_2, cast.other_bank.pk),
    }
    assert ivan.locator("#freeze-list tr.sent-row").count() == 2
    screenshot(ivan, "3-sent")

    ivan.goto(f"{base}/antifraud/{report.pk}/")
    assert MULE_1 in ivan.inner_text("#request-table")

    dora = log_in(cast.dora)
    dora.goto(f"{base}/antifraud/desk/")
    desk = dora.inner_text("#desk-table")
    assert MULE_1 in desk and MULE_2 not in desk
    screenshot(dora, "4-desk")
    response = dora.goto(f"{base}/antifraud/trace/{trace.pk}/")
    assert response is not None and response.status in (403, 404)
    assert page_errors == []
