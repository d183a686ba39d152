"""The rule editor's live JSON check in a real browser: a translated message with the line and
column, never the browser's own (English) SyntaxError text; the server still decides."""

from __future__ import annotations

from typing import Any

import pytest

from shouwang.antifraud.warning.models import RuleVersion
from shouwang.common.testing import build_cast, log_in

pytestmark = pytest.mark.browser


def _editor(browser: Any, url: str, language: str) -> Any:
    page = browser.new_page(locale="zh-CN")
    page.context.add_cookies([{"name": "django_language", "value": language, "url": url}])
    log_in(page, url, "ivan")
    page.goto(f"{url}/antifraud/warnings/rules/new/")
    return page


def test_the_json_check_speaks_the_pages_language_with_line_and_column(
    transactional_db: None, live_server: Any, browser: Any
) -> None:
    build_cast()
    page = _editor(browser, live_server.url, "zh-hans")
    status = "#rule-json-status"
    assert page.inner_text(status) == ""  # the example parses
    page.fill("#rule-json", '{\n  "name": "x",\n  risk: "high"\n}')
    assert page.inner_text(status) == "JSON 格式错误:第 3 行第 3 列。"
    assert page.get_attribute("#rule-json", "aria-invalid") == "true"
    page.fill("#rule-json", '{"name": ')
    assert page.inner_text(status) == "JSON 格式错误:第 1 行第 10 列。"
    page.fill("#rule-json", "")
    assert page.inner_text(status) == "请填写规则定义。"
    # Only a hint: the form still goes to the server, whose check is the one that counts.
    page.fill("input[name=rule_id]", "r1")
    page.fill("#rule-json", '{"name": "x",}')
    page.click("#rule-form button.primary")
    page.wait_for_selector("#rule-errors")
    assert "JSON 格式错误:第 1 行第 14 列。" in page.inner_text("#rule-errors")
    assert not RuleVersion.objects.exists()

    english = _editor(browser, live_server.url, "en")
    english.fill("#rule-json", '{"name": "x",}')
    message = english.inner_text(status)
    assert message.startswith("JSON syntax error") and "line 1" in message and "14" in message
