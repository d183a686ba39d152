from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shouwang.cases.actions import (
    do_add_evidence,
    do_grade_case,
    do_submit_case,
    do_verify_case,
)
from shouwang.cases.choices import EvidenceStage
from shouwang.common.testing import POINT_A, POINT_B, Cast, make_jpeg
from shouwang.hazards import stats
from shouwang.hazards.actions import do_assign_hazard, do_register_hazard
from shouwang.hazards.choices import HazardCategory, HazardGrade
from shouwang.hazards.models import Hazard
from shouwang.hazards.queries import hazards_for_user
from shouwang.orgs.models import User

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A Wednesday; its ISO week is 2026-W10 (Monday 2 March).
T0 = datetime(2026, 3, 4, 10, 0, tzinfo=SHANGHAI)
URL = reverse("hazards:unit-dashboard")


def register(cast: Cast, actor: User | None = None, **kwargs: object) -> Hazard:
    point = POINT_B if actor is not None and actor == cast.charlie else POINT_A
    fields: dict[str, object] = dict(
        actor=actor or cast.bob,
        title="消防通道堵塞",
        category=HazardCategory.FIRE,
        description="仓库后门消防通道堆放纸箱",
        lat=point[0],
        lon=point[1],
    )
    fields.update(kwargs)
    return do_register_hazard(**fields)  # type: ignore[arg-type]


def close(cast: Cast, hazard: Hazard) -> None:
    """Run one hazard through the loop: grade, assign to Erin's company, rectify, verify."""
    do_grade_case(hazard, grade=HazardGrade.GENERAL, actor=cast.alice)
    do_assign_hazard(hazard, requirement="清理通道", organisation=cast.company, actor=cast.alice)
    photo = SimpleUploadedFile("after.jpg", make_jpeg("green"), content_type="image/jpeg")
    do_add_evidence(hazard, upload=photo, stage=EvidenceStage.AFTER, actor=cast.erin)
    do_submit_case(hazard, actor=cast.erin)


@pytest.fixture
def scene(cast: Cast) -> dict[str, Hazard]:
    """Three hazards found in grid A on T0; the first closed two days later; the second graded
    (general: due in 7 days); the third, a traffic hazard, left ungraded."""
    with time_machine.travel(T0, tick=False):
        first = register(cast)
        second = register(cast, title="灭火器过期")
        third = register(cast, title="路口视线遮挡", category=HazardCategory.TRAFFIC)
        close(cast, first)
        do_grade_case(second, grade=HazardGrade.GENERAL, actor=cast.alice)
    with time_machine.travel(T0 + timedelta(days=2), tick=False):
        do_verify_case(first, actor=cast.alice)
    return {"first": first, "second": second, "third": third}


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- the figures ------------------------------------------------------------------------


def test_it_counts_found_closed_and_the_resolution_rate(cast: Cast, scene: dict[str, Hazard]):
    with time_machine.travel(T0 + timedelta(days=3), tick=False):
        board = stats.unit_dashboard(hazards_for_user(cast.alice), cast.station_a, weeks=12)
    totals = board.totals
    assert (totals.found, totals.closed, totals.open, totals.overdue) == (3, 1, 2, 0)
    assert totals.rate == 33.3
    assert totals.rate_all == 33.3
    assert totals.median_days == 2.0


def test_it_counts_a_hazard_overdue_once_its_deadline_has_passed(
    cast: Cast, scene: dict[str, Hazard]
):
    with time_machine.travel(T0 + timedelta(days=8), tick=False):
        board = stats.unit_dashboard(hazards_for_user(cast.alice), cast.station_a, weeks=12)
    # The second hazard was due after 7 days; the closed one no longer counts.
    assert board.totals.overdue == 1
    assert board.children[0].overdue == 1


def test_it_draws_found_and_closed_per_iso_week(cast: Cast, scene: dict[str, Hazard]):
    with time_machine.travel(T0 + timedelta(days=10), tick=False):
        board = stats.unit_dashboard(hazards_for_user(cast.alice), cast.station_a, weeks=4)
    assert [p.label for p in board.trend] == ["2026-W08", "2026-W09", "2026-W10", "2026-W11"]
    assert [p.found for p in board.trend] == [0, 0, 3, 0]
    assert [p.closed for p in board.trend] == [0, 0, 1, 0]
    assert board.trend[2].monday == "2026-03-02"


def test_it_leaves_hazards_found_before_the_period_out_of_the_period_figures(
    cast: Cast, scene: dict[str, Hazard]
):
    with time_machine.travel(T0 + timedelta(weeks=5), tick=False):
        board = stats.unit_dashboard(hazards_for_user(cast.alice), cast.station_a, weeks=4)
    assert board.totals.found == 0
    assert board.totals.rate is None
    assert board.totals.open == 2  # open is "now", not "in the period"
    assert board.totals.rate_all == 33.3


def test_it_breaks_the_period_down_by_category_and_grade(cast: Cast, scene: dict[str, Hazard]):
    with time_machine.travel(T0 + timedelta(days=3), tick=False):
        board = stats.unit_dashboard(hazards_for_user(cast.alice), cast.station_a, weeks=12)
    categories = {r.key: (r.found, r.closed, r.open) for r in board.by_category}
    assert categories == {"fire": (2, 1, 1), "traffic": (1, 0, 1)}
    grades = {r.key: (r.label, r.found) for r in board.by_grade}
    assert grades == {"general": ("一般", 2), "": ("未分级", 1)}


def test_it_ranks_child_units_with_the_laggard_last(cast: Cast, scene: dict[str, Hazard]):
    with time_machine.travel(T0, tick=False):
        register(cast, actor=cast.charlie, title="西区隐患")
    with time_machine.travel(T0 + timedelta(days=3), tick=False):
        board = stats.unit_dashboard(hazards_for_user(cast.frank), cast.city, weeks=12)
    rows = [(r.unit.name if r.unit else None, r.found, r.closed, r.rate) for r in board.children]
    assert rows == [("东区", 3, 1, 33.3), ("西区", 1, 0, 0.0)]


def test_it_counts_only_what_the_viewer_may_see(cast: Cast, scene: dict[str, Hazard]):
    with time_machine.travel(T0, tick=False):
        register(cast, actor=cast.charlie, title="西区隐患")
    with time_machine.travel(T0 + timedelta(days=3), tick=False):
        board = stats.unit_dashboard(hazards_for_user(cast.charlie), cast.city, weeks=12)
    assert board.totals.found == 1


def test_it_ignores_cancelled_hazards(cast: Cast, scene: dict[str, Hazard]):
    from shouwang.cases.actions import do_cancel_case

    with time_machine.travel(T0 + timedelta(days=3), tick=False):
        do_cancel_case(scene["third"], reason="重复登记", actor=cast.alice)
        board = stats.unit_dashboard(hazards_for_user(cast.alice), cast.station_a, weeks=12)
    assert (board.totals.found, board.totals.open, board.totals.rate) == (2, 1, 50.0)


def test_its_query_count_does_not_grow_with_the_number_of_hazards(cast: Cast):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            stats.unit_dashboard(hazards_for_user(cast.alice), cast.station_a, weeks=12)
        return len(captured)

    with time_machine.travel(T0, tick=False):
        register(cast)
        few = queries()
        for _ in range(6):
            register(cast)
        assert queries() == few


# --- the page -----------------------------------------------------------------------------


def test_it_sends_anonymous_visitors_to_log_in(cast: Cast):
    response = Client().get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", ["dora", "erin", "ivan"])
def test_it_is_not_found_for_roles_without_a_dashboard(cast: Cast, name: str):
    assert client_for(getattr(cast, name)).get(URL).status_code == 404


def test_it_is_not_offered_to_a_fraud_analyst_who_sees_no_hazards(cast: Cast):
    """An analyst's dashboard would count no hazards and link to a register that is 403 for
    them, so the menu leaves it out."""
    body = client_for(cast.ivan).get(reverse("antifraud:report-list")).content.decode()
    assert URL not in body
    assert URL in client_for(cast.alice).get(reverse("hazards:hazard-list")).content.decode()


def test_it_shows_the_users_own_unit_by_default(cast: Cast, scene: dict[str, Hazard]):
    with time_machine.travel(T0 + timedelta(days=3), tick=False):
        response = client_for(cast.alice).get(URL)
    assert response.status_code == 200
    assert response.context["unit"] == cast.station_a
    totals = response.context["totals"]
    assert (totals.found, totals.closed, totals.rate, totals.median_days) == (3, 1, 33.3, 2.0)
    html = response.content.decode()
    assert "东门派出所" in html
    assert "33.3%" in html
    assert "echarts.min.js" in html


def test_it_embeds_the_weekly_trend_for_the_chart(cast: Cast, scene: dict[str, Hazard]):
    with time_machine.travel(T0 + timedelta(days=3), tick=False):
        response = client_for(cast.alice).get(URL, {"weeks": "2"})
    html = response.content.decode()
    start = html.index('id="dashboard-trend-data"')
    payload = html[html.index(">", start) + 1 : html.index("</script>", start)]
    data = json.loads(payload)
    assert data["weeks"] == ["2026-W09", "2026-W10"]
    assert data["found"] == [0, 3]
    assert data["closed"] == [0, 1]


def test_it_opens_a_unit_inside_the_users_subtree(cast: Cast, scene: dict[str, Hazard]):
    response = client_for(cast.frank).get(URL, {"unit": cast.district_a.code})
    assert response.status_code == 200
    assert response.context["unit"] == cast.district_a
    assert [r.unit for r in response.context["board"].children] == [cast.station_a]


def test_it_rejects_other_jurisdiction(cast: Cast, scene: dict[str, Hazard]):
    response = client_for(cast.charlie).get(URL, {"unit": "990102001"})
    assert response.status_code == 404


def test_it_answers_an_unknown_unit_like_a_forbidden_one(cast: Cast):
    assert client_for(cast.alice).get(URL, {"unit": "000000"}).status_code == 404


def test_it_names_the_weeks_parameter_when_it_is_invalid(cast: Cast):
    response = client_for(cast.alice).get(URL, {"weeks": "abc"})
    assert response.status_code == 200
    assert response.context["weeks"] == stats.DEFAULT_WEEKS
    assert "weeks" in response.content.decode()
