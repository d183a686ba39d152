"""Fixtures for the browser acceptance tests: Debian's Chromium driven through Playwright.

Each user gets a browser context of their own (own cookies) and logs in through the login
form, as a person would. Screenshots go to `test-artifacts/` at the repository root.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from shouwang.common.testing import PASSWORD
from shouwang.orgs.models import User

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# Long enough for a loaded CI machine (10 s was not, twice), short enough that a missing
# element fails quickly.
TIMEOUT_MS = 20_000
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}
DESK = {"viewport": {"width": 1280, "height": 900}}

Login = Callable[..., Page]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; Django would otherwise refuse
    # the ORM calls the tests make between browser steps. Restored when the module ends.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            chromium = p.chromium.launch(
                executable_path=CHROMIUM,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page_errors() -> list[str]:
    """Script errors and failed same-site requests seen by any page; a test asserts it empty."""
    return []


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Keep each phase's report on the test, so a fixture can tell that its test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def _keep_failed_pages(test: str, contexts: list[BrowserContext]) -> None:
    """What every open page showed when its test failed, for a failure seen only in CI."""
    ARTIFACTS.mkdir(exist_ok=True)
    pages = [page for context in contexts for page in context.pages]
    for n, page in enumerate(pages):
        stem = ARTIFACTS / f"{test}-failed-{n}"
        try:
            page.screenshot(path=f"{stem}.png", full_page=True)
            stem.with_suffix(".html").write_text(page.content(), encoding="utf-8")
            print(f"failed page {n}: {page.url} “{page.title()}” -> {stem}.png")
        except Exception as exc:  # the test's own error is the one to report
            print(f"failed page {n}: {page.url}: could not be kept ({exc})")


@pytest.fixture
def log_in(
    request: pytest.FixtureRequest,
    browser: Browser,
    live_server: Any,
    transactional_db: None,
    page_errors: list[str],
) -> Iterator[Login]:
    """`log_in(user, phone=False)`: a fresh context for `user`, logged in through the form."""
    contexts: list[BrowserContext] = []

    def open_as(user: User, *, phone: bool = False) -> Page:
        context = browser.new_context(**(PHONE if phone else DESK), locale="zh-CN")
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        name = user.username
        # The page's address and the script's stack make a rare error traceable from CI's log.
        page.on(
            "pageerror",
            lambda exc: page_errors.append(
                f"{name} at {page.url}: {exc} | {exc.stack or ''}"[:2000]
            ),
        )
        page.on(
            "response",
            lambda r: (
                page_errors.append(f"{name}: {r.status} {r.url}")
                if (r.status >= 400 and "/static/" in r.url) or r.status >= 500
                else None
            ),
        )
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("form.stack button[type=submit]")
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        return page

    yield open_as
    call = getattr(request.node, "report_call", None)
    if call is not None and call.failed:
        _keep_failed_pages(re.sub(r"[^\w.-]+", "_", request.node.name), contexts)
        print("page errors:", page_errors)
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Callable[[Page, str], Path]:
    """`screenshot(page, "1-registered")` saves a full-page PNG named after the test."""
    ARTIFACTS.mkdir(exist_ok=True)
    test = re.sub(r"[^\w.-]+", "_", request.node.name)

    def take(page: Page, step: str) -> Path:
        path = ARTIFACTS / f"{test}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
