"""The navigation menus in a real browser: an administrator opens the anti-fraud menu, the
other menu closes, Escape and a click elsewhere close it, and a menu link opens its page; on a
phone the bar stays inside the screen."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from shouwang.common.testing import Cast

from .conftest import Login

pytestmark = pytest.mark.browser
Shot = Callable[[Page, str], Path]


def test_menus_open_one_at_a_time_and_lead_to_their_pages(
    cast: Cast, log_in: Login, screenshot: Shot, page_errors: list[str]
) -> None:
    page = log_in(cast.admin)
    hazards = page.locator("details.navgroup", has_text="隐患治理")
    fraud = page.locator("details.navgroup", has_text="反诈中心")
    hazards.locator("summary").click()
    assert hazards.get_attribute("open") is not None
    fraud.locator("summary").click()
    assert fraud.get_attribute("open") is not None and hazards.get_attribute("open") is None
    screenshot(page, "1-menu-open")
    page.keyboard.press("Escape")
    assert fraud.get_attribute("open") is None
    fraud.locator("summary").click()
    page.click("main")
    assert fraud.get_attribute("open") is None
    fraud.locator("summary").click()
    fraud.locator("a", has_text="黑名单").click()
    page.wait_for_url(f"**{reverse('antifraud:blocklist')}")
    assert "active" in (
        page.locator("details.navgroup", has_text="反诈中心").get_attribute("class") or ""
    )

    phone = log_in(cast.admin, phone=True)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide on a 390 px phone"
    screenshot(phone, "2-phone")
    assert page_errors == []
