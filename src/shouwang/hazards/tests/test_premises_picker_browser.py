"""The premises search in a real browser: typing replaces the select's options with the
matches (HTMX), and the one picked is what the form sends."""

from __future__ import annotations

import os
from typing import Any

import pytest

from shouwang.common.search_select import SHOWN
from shouwang.common.testing import build_cast, log_in
from shouwang.hazards.actions import do_create_premises
from shouwang.hazards.models import Hazard

pytestmark = pytest.mark.browser


def test_typing_in_the_search_box_offers_the_matching_premises(
    transactional_db: None, live_server: Any, browser: Any
) -> None:
    cast = build_cast()
    for i in range(SHOWN + 5):
        do_create_premises(actor=cast.alice, name=f"东门商铺{i:03d}", type="shop", unit=cast.grid_a)
    rental = do_create_premises(
        actor=cast.alice, name="自建房", type="rental", unit=cast.grid_a, address="东门路88号"
    )
    page = browser.new_page(locale="zh-CN")
    log_in(page, live_server.url, "alice")
    page.goto(f"{live_server.url}/hazards/new/")
    options = "select[name=premises] option"
    assert page.locator(options).count() == SHOWN + 1
    page.fill(".search-select:has(select[name=premises]) input[type=search]", "东门路")
    page.wait_for_function("document.querySelectorAll('select[name=premises] option').length === 2")
    assert page.locator(options).all_inner_texts() == ["不关联场所", "自建房 · 东门路88号"]
    page.select_option("select[name=premises]", str(rental.pk))
    page.fill("input[name=title]", "楼道堆物")
    page.fill("textarea[name=description]", "楼道堵塞")
    page.select_option("select[name=unit]", str(cast.grid_a.pk))
    page.fill("input[name=address]", "东门路88号")
    page.check("input[name=category][value=fire]")
    if shot := os.environ.get("SHOUWANG_SCREENSHOT"):  # to look at the page by hand
        page.screenshot(path=shot, full_page=True)
    with page.expect_navigation():
        page.click("#register-form button[type=submit]")
    assert Hazard.objects.get().premises == rental
