"""The early-warning loop in a real browser: the centre's analyst writes a rule as data,
backtests it and switches it on; a carrier's system posts call events; the likely victim's grid
worker is told by the bell, finds the dissuasion task with its deadline and call script and
records the outcome;
the rule's measured precision shows it."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from shouwang.antifraud.warning.models import WarningTask
from shouwang.common.apitest import token_client
from shouwang.common.testing import Cast

from .conftest import Login

pytestmark = pytest.mark.browser
Shot = Callable[[Page, str], Path]

SCAMMER = "17012345678"
VICTIM = "13900007777"
RULE = {
    "name": "同一号码十分钟内呼叫三个以上号码,接听者疑似受害人",
    "risk": "high",
    "when": {"field": "type", "op": "eq", "value": "call"},
    "window": {
        "key": "src",
        "measure": "distinct",
        "field": "dst",
        "minutes": 10,
        "op": "ge",
        "value": 3,
    },
    "flag": {"party": "dst", "role": "victim"},
}


def test_rule_event_task_outcome(
    cast: Cast, log_in: Login, live_server: Any, screenshot: Shot, page_errors: list[str]
) -> None:
    base = live_server.url
    ivan = log_in(cast.ivan)
    ivan.goto(f"{base}/antifraud/warnings/rules/new/")
    ivan.fill("input[name=rule_id]", "burst-victim")
    ivan.select_option("select[name=fraud_type]", "fake_authority")
    ivan.fill("#rule-json", json.dumps(RULE, ensure_ascii=False, indent=2))
    ivan.click("button:has-text('保存为新版本')")
    ivan.wait_for_url(lambda url: "/rules/new/" not in url)
    ivan.click("button[value=backtest]")
    ivan.wait_for_load_state()
    ivan.click("button[value=activate]")
    ivan.wait_for_load_state()
    assert "已启用" in ivan.inner_text("#rule-state")
    screenshot(ivan, "1-rule")

    now = timezone.now()
    events = [
        {
            "type": "call",
            "time": (now - timedelta(minutes=5 - i)).isoformat(),
            "src": SCAMMER,
            "dst": dst,
            "grid": cast.grid_a.code,
        }
        for i, dst in enumerate(["13900001111", "13900002222", VICTIM])
    ]
    answer = token_client(cast.ivan, "carrier feed").post(
        "/api/v1/antifraud/warnings/events",
        data=json.dumps({"events": events}),
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    task = WarningTask.objects.get()
    assert task.assignee == cast.bob
    assert timedelta(minutes=14) < task.deadline - task.created_at <= timedelta(minutes=15)

    bob = log_in(cast.bob)
    bob.goto(f"{base}/antifraud/warnings/")
    assert bob.locator("#task-table tbody tr").count() == 1
    # The bell tells him first: one urgent notice, which opens the task.
    bell = bob.locator("#bell-count")
    bell.wait_for()
    assert bell.inner_text() == "1" and "urgent" in (bell.get_attribute("class") or "")
    bob.click("#bell")
    bob.wait_for_url("**/notices/")
    assert "139****7777" in bob.inner_text("#notice-table")
    screenshot(bob, "2-notice")
    bob.click("#notice-table button")
    bob.wait_for_url(f"**/antifraud/warnings/tasks/{task.pk}/")
    assert bob.inner_text("#task-assignee").strip() == str(cast.bob)
    assert bob.inner_text("#call-script").strip()
    assert VICTIM not in bob.inner_text("main")  # masked until revealed with a purpose
    screenshot(bob, "3-task")
    bob.check("input[name=outcome][value=dissuaded]")
    bob.fill("textarea[name=note]", "已电话联系,对方确认接到冒充公检法电话,已劝阻,未转账。")
    bob.click("button:has-text('提交结果')")
    bob.wait_for_selector("#outcome")
    task.refresh_from_db()
    assert task.outcome == "dissuaded"
    bob.reload()
    bob.wait_for_load_state("networkidle")
    assert bob.locator("#bell-count").count() == 0  # dealt with: nothing waits
    screenshot(bob, "4-outcome")

    charlie = log_in(cast.charlie)
    response = charlie.goto(f"{base}/antifraud/warnings/tasks/{task.pk}/")
    assert response is not None and response.status == 404

    ivan.goto(f"{base}/antifraud/warnings/precision/")
    assert "burst-victim" in ivan.inner_text("main")
    screenshot(ivan, "5-precision")
    assert page_errors == []
