"""The masked tag in a real browser: the purpose form, the 422 message, the clear value."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import include, path

from shouwang.audit.models import AuditEvent
from shouwang.cases.models import SlaRule
from shouwang.common.testing import POINT_A, build_cast, log_in
from shouwang.hazards.actions import do_register_hazard
from shouwang.hazards.choices import HazardCategory
from shouwang.hazards.models import Hazard

pytestmark = pytest.mark.browser

PAGE = """{% extends "base.html" %}{% load personal %}
{% block content %}<p id="phone">{% masked hazard "responsible_phone" %}</p>{% endblock %}"""


@login_required
def _page(request: HttpRequest, pk: int) -> HttpResponse:
    template = engines["django"].from_string(PAGE)
    hazard = Hazard.objects.get(pk=pk)
    return HttpResponse(template.render({"hazard": hazard}, request))


urlpatterns = [
    path("test-masked/<int:pk>/", _page),
    path("", include("shouwang.config.urls")),
]


@pytest.fixture
def browser_page(settings: Any, browser: Any) -> Any:
    settings.ROOT_URLCONF = __name__
    # The assertions read the Chinese pages: ask for zh-CN, as a station's browser does.
    return browser.new_page(locale="zh-CN")


def test_a_reveal_in_the_browser_asks_for_a_purpose_then_shows_the_value(
    transactional_db: None, live_server: Any, browser_page: Any
) -> None:
    cast = build_cast()
    hazard = do_register_hazard(
        actor=cast.bob,
        title="消防通道堵塞",
        category=HazardCategory.FIRE,
        description="仓库后门消防通道堆放纸箱",
        lat=POINT_A[0],
        lon=POINT_A[1],
        responsible_phone="13912345678",
    )
    page = browser_page
    log_in(page, live_server.url, "alice")
    page.goto(f"{live_server.url}/test-masked/{hazard.pk}/")
    assert "139****5678" in page.inner_text("#phone")

    assert not page.is_visible("#phone input[name=purpose]")
    page.click("#phone .reveal-toggle")
    page.fill("#phone input[name=purpose]", "核查")  # too short
    page.click("#phone button.primary")
    page.wait_for_selector("#phone .errorlist")
    assert "请填写查看事由" in page.inner_text("#phone")
    assert not AuditEvent.objects.filter(action="personal.reveal").exists()

    page.fill("#phone input[name=purpose]", "核查 YH0000001")
    page.press("#phone input[name=purpose]", "Enter")
    page.wait_for_selector("#phone .clear-value")
    assert page.inner_text("#phone .clear-value") == "13912345678"
    event = AuditEvent.objects.get(action="personal.reveal")
    assert event.purpose == "核查 YH0000001"
    assert event.channel == "web"


def test_an_admin_edits_the_sla_table_in_place(
    transactional_db: None, live_server: Any, browser_page: Any
) -> None:
    build_cast()
    page = browser_page
    log_in(page, live_server.url, "admin")
    page.goto(f"{live_server.url}/cases/sla/")
    row = "#sla-hazard-general"
    page.fill(f"{row} input[name=hours]", "0")
    page.eval_on_selector(f"{row} input[name=hours]", "e => e.removeAttribute('min')")
    page.click(f"{row} button.primary")
    page.wait_for_selector(f"{row} .errorlist")
    assert not SlaRule.objects.exists()
    page.fill(f"{row} input[name=hours]", "48")
    page.click(f"{row} button.primary")
    page.wait_for_selector(f"{row} >> text=已调整")
    assert SlaRule.objects.get().hours == 48
    if os.environ.get("SHOUWANG_SCREENSHOT"):
        page.screenshot(path=os.environ["SHOUWANG_SCREENSHOT"], full_page=True)
