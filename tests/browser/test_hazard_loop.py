"""The hazard loop end to end in a real browser, one person per browser context:
a grid worker registers on a phone, the station chief grades and assigns to a company, the
company reports its rectification, another officer verifies and closes, and the unit's
dashboard counts it. An officer of another district sees none of it."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import h3
import pytest
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import Page

from shouwang.cases.choices import CaseAction, CaseState, EvidenceStage
from shouwang.common.testing import POINT_A, POINT_B, Cast, make_jpeg
from shouwang.hazards.actions import do_register_hazard
from shouwang.hazards.choices import HazardCategory, HazardGrade
from shouwang.hazards.models import Hazard

from .conftest import Login

pytestmark = pytest.mark.browser

TITLE = "仓库消防通道堵塞"
REQUIREMENT = "三日内清理后门通道的纸箱,保持畅通,并张贴禁止堆放标识。"
Shot = Callable[[Page, str], Path]


def _jpeg(tmp_path: Path, name: str, colour: str) -> Path:
    path = tmp_path / name
    path.write_bytes(make_jpeg(colour))
    return path


def _card_value(page: Page, label: str) -> str:
    card = page.locator(".dash-card").filter(
        has=page.locator(".dash-label", has_text=re.compile(f"^{label}$"))
    )
    return card.locator(".dash-value").inner_text().strip()


def _open_step(page: Page, action: str) -> None:
    """Unfold a lifecycle step's form (only the first one starts open)."""
    details = page.locator(f"#action-{action} details")
    if details.get_attribute("open") is None:
        page.click(f"#action-{action} summary")


def _register_on_phone(
    page: Page, base: str, photo: Path, grid_cells: set[str], screenshot: Shot
) -> int:
    page.goto(f"{base}/hazards/new/")
    page.click("label.choice:has-text('消防安全')")
    page.fill("#id_title", TITLE)
    page.fill("#id_description", "后门通道堆满纸箱,消防车与人员无法通行。")
    # The grid's area is drawn once units.geojson has loaded, and the map is fitted to it
    # in the same callback: a tap in the middle of the map must then land in bob's grid.
    page.wait_for_selector("#pick-map canvas")
    page.locator("#pick-map").tap()
    page.wait_for_function("document.getElementById('id_lat').value !== ''")
    lat = float(page.input_value("#id_lat"))
    lon = float(page.input_value("#id_lon"))
    assert h3.latlng_to_cell(lat, lon, 8) in grid_cells, "the picker is not centred on the grid"
    assert page.inner_text("#pick-coords") == f"{lat:.5f}, {lon:.5f}"
    page.set_input_files("#id_photos", str(photo))
    page.wait_for_selector("#photo-preview figure img")
    screenshot(page, "0-bob-register-form")
    page.click("#register-form button[type=submit]")
    page.wait_for_url(re.compile(r"/hazards/\d+/$"))
    match = re.search(r"/hazards/(\d+)/$", page.url)
    assert match
    return int(match.group(1))


def test_the_whole_loop_as_four_users(
    cast: Cast,
    live_server: Any,
    log_in: Login,
    screenshot: Shot,
    page_errors: list[str],
    tmp_path: Path,
) -> None:
    base = live_server.url

    # 1. Bob finds it on his round and registers it on his phone.
    bob = log_in(cast.bob, phone=True)
    assert bob.url.endswith("/hazards/new/"), "a grid worker starts on the register page"
    photo = _jpeg(tmp_path, "before.jpg", "red")
    pk = _register_on_phone(bob, base, photo, set(cast.grid_a.h3_cells), screenshot)
    hazard = Hazard.objects.get(pk=pk)
    assert hazard.unit == cast.grid_a
    assert re.fullmatch(r"YH\d+", hazard.reference)
    assert bob.inner_text(".badges .ref") == hazard.reference
    assert hazard.reference in bob.inner_text(".messages")
    assert bob.inner_text("h1") == TITLE
    assert "已登记" in bob.inner_text(".badges")
    screenshot(bob, "1-bob-registered")

    # 2. Alice grades it 较大 and assigns it to the company with a requirement.
    alice = log_in(cast.alice)
    alice.goto(f"{base}/hazards/{pk}/")
    _open_step(alice, "grade")
    alice.select_option("#id_grade-grade", label=str(HazardGrade.SIGNIFICANT.label))
    alice.click("#action-grade button[type=submit]")
    alice.wait_for_selector(".badges .state-graded")
    _open_step(alice, "assign")
    alice.fill("#id_assign-requirement", REQUIREMENT)
    alice.select_option("#id_assign-organisation", label=cast.company.name)
    alice.click("#action-assign button[type=submit]")
    alice.wait_for_selector(".badges .state-assigned")
    hazard.refresh_from_db()
    assert hazard.grade == HazardGrade.SIGNIFICANT
    assert hazard.assignee_org == cast.company
    assert hazard.deadline is not None
    deadline = date_format(timezone.localtime(hazard.deadline), "Y-m-d H:i")
    assert deadline in alice.locator("dt:text-is('整改期限') + dd").inner_text()
    assert "较大" in alice.inner_text(".badges")
    assert REQUIREMENT in alice.inner_text("main")
    screenshot(alice, "2-alice-assigned")

    # 3. Erin, at the company, finds it in her list and reports the rectification.
    erin = log_in(cast.erin)
    assert erin.url.endswith("/hazards/assigned/"), "a company starts on its assigned list"
    response = erin.goto(f"{base}/hazards/new/")
    assert response is not None and response.status == 403, "a company does not register"
    assert erin.title().startswith("无权操作")
    erin.goto(f"{base}/hazards/assigned/")
    item = erin.locator(".rect-list li", has_text=TITLE)
    assert hazard.reference in item.inner_text()
    assert deadline in item.inner_text()
    item.locator(f"a:has-text('{TITLE}')").click()
    erin.wait_for_url(f"**/hazards/{pk}/rectify/")
    assert erin.locator(".rect-submit").is_disabled(), "no submission before an after-photo"
    erin.set_input_files("#id_files", str(_jpeg(tmp_path, "after.jpg", "green")))
    erin.click("form.rect-upload button[type=submit]")
    erin.wait_for_selector(".rect-submit:enabled")
    assert "after.jpg" in erin.inner_text("main")
    erin.fill("#id_note", "纸箱已全部清走,通道已畅通。")
    erin.click(".rect-submit")
    erin.wait_for_selector(".state-submitted")
    assert "待核查" in erin.inner_text(".rect-top")
    screenshot(erin, "3-erin-submitted")

    # 4. Carol, who did none of the work, checks it and strikes it off.
    carol = log_in(cast.carol)
    carol.goto(f"{base}/hazards/{pk}/")
    assert carol.locator("#action-verify").count() == 1
    _open_step(carol, "verify")
    carol.fill("#id_verify-note", "现场复核,通道畅通。")
    carol.click("#action-verify button[type=submit]")
    carol.wait_for_selector(".badges .state-closed")
    assert "已销号" in carol.inner_text(".badges")
    assert "已销号" in carol.inner_text(".messages")
    screenshot(carol, "4-carol-closed")

    # 5. Alice's dashboard counts it: found one, closed one, 化解率 100%.
    alice.goto(f"{base}/hazards/dashboard/")
    alice.wait_for_selector("#dashboard-trend svg")
    assert _card_value(alice, "发现隐患") == "1"
    assert _card_value(alice, "已销号") == "1"
    assert _card_value(alice, "未销号") == "0"
    assert _card_value(alice, "逾期") == "0"
    assert _card_value(alice, "化解率") == "100.0%"
    screenshot(alice, "5-alice-dashboard")

    hazard.refresh_from_db()
    assert hazard.state == CaseState.CLOSED
    assert hazard.closed_by == cast.carol
    assert hazard.submitted_by == cast.erin
    actions = [(t.action, t.actor) for t in hazard.transitions.order_by("at", "pk")]
    assert actions == [
        (CaseAction.REGISTER, cast.bob),
        (CaseAction.EVIDENCE, cast.bob),  # the photo taken at registration
        (CaseAction.GRADE, cast.alice),
        (CaseAction.ASSIGN, cast.alice),
        (CaseAction.EVIDENCE, cast.erin),
        (CaseAction.SUBMIT, cast.erin),
        (CaseAction.VERIFY, cast.carol),
    ]
    evidence = {(e.stage, e.original_name, e.uploaded_by) for e in hazard.evidence.all()}
    assert evidence == {
        (EvidenceStage.BEFORE, "before.jpg", cast.bob),
        (EvidenceStage.AFTER, "after.jpg", cast.erin),
    }
    assert page_errors == []


def test_an_officer_of_another_district_gets_404(
    cast: Cast, live_server: Any, log_in: Login, screenshot: Shot, page_errors: list[str]
) -> None:
    hazard = do_register_hazard(
        actor=cast.bob,
        title=TITLE,
        category=HazardCategory.FIRE,
        description="后门通道堆满纸箱。",
        lat=POINT_A[0],
        lon=POINT_A[1],
    )
    missing = Hazard.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1000
    charlie = log_in(cast.charlie)
    base = live_server.url

    response = charlie.goto(f"{base}/hazards/{hazard.pk}/")
    assert response is not None and response.status == 404
    assert charlie.title().startswith("页面不存在")
    assert hazard.reference not in charlie.title()
    assert TITLE not in charlie.content()
    assert hazard.reference not in charlie.content()
    screenshot(charlie, "404")
    not_found = charlie.inner_text("main")
    # Forbidden and missing are the same answer.
    response = charlie.goto(f"{base}/hazards/{missing}/")
    assert response is not None and response.status == 404
    assert charlie.inner_text("main") == not_found

    charlie.goto(f"{base}/hazards/")
    assert TITLE not in charlie.inner_text("main")
    geojson = charlie.request.get(f"{base}/hazards/map.geojson?open=")
    assert geojson.ok and geojson.json()["features"] == []

    response = charlie.goto(f"{base}/hazards/{hazard.pk}/rectify/")
    assert response is not None and response.status == 404
    assert TITLE not in charlie.content()

    # The step URLs take POSTs only; send them as the page's forms would, with the CSRF token.
    token = next(c["value"] for c in charlie.context.cookies() if c["name"] == "csrftoken")
    steps: dict[str, dict[str, str | float | bool]] = {
        "grade": {"grade-grade": HazardGrade.MAJOR.value},
        "cancel": {"cancel-reason": "重复登记"},
    }
    for action, form in steps.items():
        answer = charlie.request.post(
            f"{base}/hazards/{hazard.pk}/{action}/",
            form=form,
            headers={"X-CSRFToken": token, "Referer": f"{base}/"},
        )
        assert answer.status == 404, action
        assert TITLE not in answer.text()
    # The same request on a hazard of his own goes through: the 404 above is the scoping.
    own = do_register_hazard(
        actor=cast.charlie,
        title="西门路口护栏缺失",
        category=HazardCategory.TRAFFIC,
        description="路口护栏被撞倒。",
        lat=POINT_B[0],
        lon=POINT_B[1],
    )
    answer = charlie.request.post(
        f"{base}/hazards/{own.pk}/grade/",
        form=steps["grade"],
        headers={"X-CSRFToken": token, "Referer": f"{base}/"},
        max_redirects=0,
    )
    assert answer.status == 302
    own.refresh_from_db()
    assert own.grade == HazardGrade.MAJOR
    answer = charlie.request.post(
        f"{base}/hazards/{hazard.pk}/rectify/",
        form={"step": "submit"},
        headers={"X-CSRFToken": token, "Referer": f"{base}/"},
    )
    assert answer.status == 404
    hazard.refresh_from_db()
    assert hazard.state == CaseState.REGISTERED
    assert list(hazard.transitions.values_list("action", flat=True)) == [CaseAction.REGISTER]
    assert page_errors == []
