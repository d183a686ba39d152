from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template import Context, Template
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from shouwang.audit.models import AuditEvent
from shouwang.cases.actions import (
    do_add_evidence,
    do_cancel_case,
    do_grade_case,
    do_scan_overdue,
    do_submit_case,
    do_verify_case,
)
from shouwang.cases.choices import CaseState, EvidenceStage
from shouwang.cases.models import Evidence
from shouwang.common.testing import POINT_A, POINT_B, Cast, make_jpeg
from shouwang.hazards.actions import do_assign_hazard, do_register_hazard
from shouwang.hazards.choices import HazardCategory, HazardGrade
from shouwang.hazards.models import Hazard
from shouwang.hazards.views import pages
from shouwang.orgs.models import User

HX = {"HX-Request": "true"}


def photo(name: str = "p.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, make_jpeg(), content_type="image/jpeg")


def register(cast: Cast, **kwargs: Any) -> Hazard:
    defaults: dict[str, Any] = dict(
        actor=cast.bob,
        title="消防通道堵塞",
        category=HazardCategory.FIRE,
        description="仓库后门消防通道堆放纸箱",
        lat=POINT_A[0],
        lon=POINT_A[1],
        responsible_name="东门五金厂",
        responsible_contact="王小明",
        responsible_phone="13912345678",
    )
    defaults.update(kwargs)
    return do_register_hazard(**defaults)


def in_b(cast: Cast) -> Hazard:
    return register(
        cast, actor=cast.charlie, title="西门电动车充电", lat=POINT_B[0], lon=POINT_B[1]
    )


def assigned(cast: Cast, hazard: Hazard) -> Hazard:
    do_grade_case(hazard, grade=HazardGrade.SIGNIFICANT, actor=cast.alice)
    return do_assign_hazard(
        hazard, requirement="清理通道", organisation=cast.company, actor=cast.alice
    )


def as_user(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def action_url(hazard: Hazard, action: str) -> str:
    return reverse("hazards:hazard-action", args=[hazard.pk, action])


def detail_url(hazard: Hazard) -> str:
    return reverse("hazards:hazard-detail", args=[hazard.pk])


def refreshed(hazard: Hazard) -> Hazard:
    return Hazard.objects.get(pk=hazard.pk)


def flashed(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# ---------------------------------------------------------------- anonymous


@pytest.mark.parametrize(
    "name", ["hazard-list", "hazard-map", "hazard-geojson", "unit-geojson", "hazard-register"]
)
def test_it_sends_anonymous_visitors_to_the_login_page(
    cast: Cast, client: Client, name: str
) -> None:
    response = client.get(reverse(f"hazards:{name}"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_sends_anonymous_detail_and_action_requests_to_login(cast: Cast, client: Client) -> None:
    hazard = register(cast)
    assert client.get(detail_url(hazard)).status_code == 302
    response = client.post(action_url(hazard, "cancel"), {"cancel-reason": "重复登记"})
    assert response.status_code == 302
    assert refreshed(hazard).state == CaseState.REGISTERED


# ---------------------------------------------------------------- list


def test_the_list_shows_hazards_of_the_users_jurisdiction(cast: Cast, client: Client) -> None:
    mine, theirs = register(cast), in_b(cast)
    body = as_user(client, cast.alice).get(reverse("hazards:hazard-list")).content.decode()
    assert mine.reference in body and mine.title in body
    assert theirs.reference not in body


def test_it_keeps_other_jurisdictions_hazards_out_of_charlies_list(
    cast: Cast, client: Client
) -> None:
    mine, theirs = register(cast), in_b(cast)
    body = as_user(client, cast.charlie).get(reverse("hazards:hazard-list")).content.decode()
    assert theirs.reference in body
    assert mine.reference not in body


def test_a_company_lists_only_what_is_assigned_to_it(cast: Cast, client: Client) -> None:
    mine = assigned(cast, register(cast))
    other = register(cast, title="另一处隐患")
    body = as_user(client, cast.erin).get(reverse("hazards:hazard-list")).content.decode()
    assert mine.reference in body
    assert other.reference not in body


def test_it_filters_by_grade_and_text(cast: Cast, client: Client) -> None:
    major = register(cast, title="液化气钢瓶露天存放")
    do_grade_case(major, grade=HazardGrade.MAJOR, actor=cast.alice)
    general = register(cast, title="楼道堆物")
    as_user(client, cast.alice)
    body = client.get(reverse("hazards:hazard-list"), {"grade": "major"}).content.decode()
    assert major.reference in body and general.reference not in body
    body = client.get(reverse("hazards:hazard-list"), {"q": "楼道"}).content.decode()
    assert general.reference in body and major.reference not in body
    body = client.get(reverse("hazards:hazard-list"), {"q": general.reference}).content.decode()
    assert general.reference in body and major.reference not in body


def test_the_submitted_filter_form_with_blank_fields_works(cast: Cast, client: Client) -> None:
    major = register(cast)
    do_grade_case(major, grade=HazardGrade.MAJOR, actor=cast.alice)
    other = register(cast)
    blank = dict.fromkeys(
        ["q", "state", "open", "category", "overdue", "unit", "source", "found_from", "found_to"],
        "",
    )
    response = as_user(client, cast.alice).get(
        reverse("hazards:hazard-list"), {**blank, "grade": "major", "sort": "deadline"}
    )
    assert response.status_code == 200
    assert [h.pk for h in response.context["page"].object_list] == [major.pk]
    assert other.reference not in response.content.decode()


def test_a_bad_filter_value_is_a_400_naming_the_field(cast: Cast, client: Client) -> None:
    register(cast)
    response = as_user(client, cast.alice).get(reverse("hazards:hazard-list"), {"grade": "huge"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "等级" in body and "huge" in body
    assert response.context["page"].paginator.count == 0


def test_a_bad_date_is_a_400_not_a_crash(cast: Cast, client: Client) -> None:
    response = as_user(client, cast.alice).get(
        reverse("hazards:hazard-list"), {"found_from": "2024-13-45", "page": "x"}
    )
    assert response.status_code == 400
    assert "发现时间起" in response.content.decode()


def test_htmx_gets_only_the_rows(cast: Cast, client: Client) -> None:
    hazard = register(cast)
    response = as_user(client, cast.alice).get(reverse("hazards:hazard-list"), headers=HX)
    body = response.content.decode()
    assert response.status_code == 200
    assert hazard.reference in body
    assert "<html" not in body and "<table" in body


def test_it_paginates_fifty_a_page(cast: Cast, client: Client) -> None:
    hazards = [register(cast, title=f"隐患{i:02d}") for i in range(52)]
    as_user(client, cast.alice)
    first = client.get(reverse("hazards:hazard-list"))
    assert len(first.context["page"].object_list) == 50
    second = client.get(reverse("hazards:hazard-list"), {"page": 2})
    assert [h.pk for h in second.context["page"].object_list] == [hazards[1].pk, hazards[0].pk]


def test_it_sorts_by_deadline(cast: Cast, client: Client) -> None:
    late, soon = register(cast, title="晚"), register(cast, title="早")
    do_grade_case(late, grade=HazardGrade.MAJOR, actor=cast.alice)
    do_grade_case(soon, grade=HazardGrade.GENERAL, actor=cast.alice)
    response = as_user(client, cast.alice).get(reverse("hazards:hazard-list"), {"sort": "deadline"})
    assert [h.pk for h in response.context["page"].object_list] == [soon.pk, late.pk]


def test_an_overdue_deadline_shows_in_red(cast: Cast, client: Client) -> None:
    hazard = register(cast)
    do_grade_case(hazard, grade=HazardGrade.GENERAL, actor=cast.alice)
    with time_machine.travel(timezone.now() + timedelta(days=8), tick=False):
        do_scan_overdue()
        body = as_user(client, cast.alice).get(reverse("hazards:hazard-list")).content.decode()
    assert 'class="row-overdue"' in body
    assert "nowrap overdue" in body


def test_the_list_links_exports_with_the_current_filter(cast: Cast, client: Client) -> None:
    body = (
        as_user(client, cast.alice)
        .get(reverse("hazards:hazard-list"), {"grade": "major", "page": "1"})
        .content.decode()
    )
    assert reverse("hazards:hazard-export", args=["xlsx"]) + "?grade=major" in body
    assert reverse("hazards:hazard-export", args=["csv"]) + "?grade=major" in body


def _list_queries(client: Client, rows: int, cast: Cast) -> int:
    while Hazard.objects.count() < rows:
        hazard = register(cast, title=f"隐患{Hazard.objects.count()}")
        # Rows with every kind of assignee, so a lazy relation would show in the count.
        if hazard.pk % 3 == 0:
            assigned(cast, hazard)
        elif hazard.pk % 3 == 1:
            do_grade_case(hazard, grade=HazardGrade.MAJOR, actor=cast.alice)
            do_assign_hazard(hazard, requirement="整改", user=cast.bob, actor=cast.alice)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("hazards:hazard-list"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == rows
    return len(queries)


def test_list_queries_do_not_grow_with_the_page(cast: Cast, client: Client) -> None:
    as_user(client, cast.alice)
    five = _list_queries(client, 5, cast)
    forty = _list_queries(client, 40, cast)
    assert five == forty


# ---------------------------------------------------------------- map and GeoJSON


def test_the_map_page_points_at_the_filtered_geojson(cast: Cast, client: Client) -> None:
    response = as_user(client, cast.alice).get(reverse("hazards:hazard-map"), {"grade": "major"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "vendor/leaflet/leaflet.js" in body
    assert f'data-geojson-url="{reverse("hazards:hazard-geojson")}?grade=major"' in body
    assert 'data-tile-url=""' in body


def test_the_map_uses_a_configured_tile_server(cast: Cast, client: Client, settings: Any) -> None:
    settings.MAP_TILE_URL = "https://tiles.example/{z}/{x}/{y}.png"
    body = as_user(client, cast.alice).get(reverse("hazards:hazard-map")).content.decode()
    assert 'data-tile-url="https://tiles.example/{z}/{x}/{y}.png"' in body


def test_geojson_lists_open_visible_hazards_as_points(cast: Cast, client: Client) -> None:
    hazard, closed = register(cast), register(cast, title="已处理")
    do_cancel_case(closed, reason="重复登记", actor=cast.alice)
    in_b(cast)
    response = as_user(client, cast.alice).get(reverse("hazards:hazard-geojson"))
    assert response["Content-Type"] == "application/geo+json"
    data = response.json()
    assert data["type"] == "FeatureCollection" and data["truncated"] is False
    [feature] = data["features"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [POINT_A[1], POINT_A[0]]}
    assert feature["properties"]["reference"] == hazard.reference
    assert feature["properties"]["url"] == detail_url(hazard)
    assert feature["properties"]["state"] == CaseState.REGISTERED
    assert feature["properties"]["grade"] == ""


def test_geojson_applies_the_list_filter(cast: Cast, client: Client) -> None:
    major, other = register(cast), register(cast)
    do_grade_case(major, grade=HazardGrade.MAJOR, actor=cast.alice)
    do_cancel_case(other, reason="重复登记", actor=cast.alice)
    as_user(client, cast.alice)
    data = client.get(reverse("hazards:hazard-geojson"), {"grade": "major"}).json()
    assert [f["id"] for f in data["features"]] == [major.pk]
    data = client.get(reverse("hazards:hazard-geojson"), {"open": "false"}).json()
    assert [f["id"] for f in data["features"]] == [other.pk]
    assert client.get(reverse("hazards:hazard-geojson"), {"grade": "x"}).status_code == 400


def test_geojson_is_capped_newest_first(
    cast: Cast, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pages, "GEOJSON_LIMIT", 2)
    now = timezone.now()
    hazards = [register(cast, found_at=now - timedelta(days=i)) for i in range(3)]
    data = as_user(client, cast.alice).get(reverse("hazards:hazard-geojson")).json()
    assert data["truncated"] is True
    assert [f["id"] for f in data["features"]] == [hazards[0].pk, hazards[1].pk]


def test_geojson_is_empty_for_the_other_jurisdiction_and_refused_to_the_bank(
    cast: Cast, client: Client
) -> None:
    register(cast)
    data = as_user(client, cast.charlie).get(reverse("hazards:hazard-geojson")).json()
    assert data["features"] == []
    assert as_user(client, cast.dora).get(reverse("hazards:hazard-geojson")).status_code == 403


def test_unit_geojson_draws_the_visible_grids(cast: Cast, client: Client) -> None:
    data = as_user(client, cast.alice).get(reverse("hazards:unit-geojson")).json()
    assert [f["properties"]["code"] for f in data["features"]] == [cast.grid_a.code]
    geometry = data["features"][0]["geometry"]
    assert geometry["type"] == "Polygon"
    ring = geometry["coordinates"][0]
    assert ring[0] == ring[-1]
    lons, lats = [p[0] for p in ring], [p[1] for p in ring]
    assert min(lats) < POINT_A[0] < max(lats) and min(lons) < POINT_A[1] < max(lons)
    data = as_user(client, cast.dora).get(reverse("hazards:unit-geojson")).json()
    assert data["features"] == []


# ---------------------------------------------------------------- detail


def test_the_detail_shows_the_hazard_with_the_phone_masked(cast: Cast, client: Client) -> None:
    hazard = register(cast, photos=[photo("front.jpg")])
    response = as_user(client, cast.alice).get(detail_url(hazard))
    body = response.content.decode()
    assert response.status_code == 200
    assert hazard.reference in body and "仓库后门消防通道堆放纸箱" in body
    assert "13912345678" not in body and "139****5678" in body
    assert "王小明" not in body and "王*明" in body
    assert body.count(reverse("audit:reveal")) >= 2  # both personal fields offer a reveal
    assert "front.jpg" in body
    assert "东区 / 东门派出所 / 东门社区 / 东门一网格" in body


def test_the_detail_links_evidence_to_its_download(cast: Cast, client: Client) -> None:
    hazard = register(cast, photos=[photo()])
    evidence = Evidence.objects.get(case=hazard)
    body = as_user(client, cast.alice).get(detail_url(hazard)).content.decode()
    assert reverse("cases:evidence-download", args=[evidence.pk]) in body


def test_the_detail_is_404_for_the_other_jurisdiction_and_the_bank(
    cast: Cast, client: Client
) -> None:
    hazard = register(cast)
    assert as_user(client, cast.charlie).get(detail_url(hazard)).status_code == 404
    assert as_user(client, cast.dora).get(detail_url(hazard)).status_code == 404
    missing = reverse("hazards:hazard-detail", args=[hazard.pk + 100])
    assert as_user(client, cast.alice).get(missing).status_code == 404


def test_a_company_sees_a_hazard_only_once_assigned_to_it(cast: Cast, client: Client) -> None:
    hazard = register(cast)
    as_user(client, cast.erin)
    assert client.get(detail_url(hazard)).status_code == 404
    assigned(cast, hazard)
    response = client.get(detail_url(hazard))
    assert response.status_code == 200
    assert [f["action"] for f in response.context["action_forms"]] == ["evidence", "submit"]


def test_the_detail_offers_only_the_steps_the_user_may_take(cast: Cast, client: Client) -> None:
    hazard = register(cast)
    response = as_user(client, cast.alice).get(detail_url(hazard))
    assert [f["action"] for f in response.context["action_forms"]] == [
        "grade",
        "evidence",
        "cancel",
    ]
    assert 'action="' + action_url(hazard, "grade") + '"' in response.content.decode()
    response = as_user(client, cast.bob).get(detail_url(hazard))
    assert [f["action"] for f in response.context["action_forms"]] == ["evidence"]
    assert action_url(hazard, "grade") not in response.content.decode()
    response = as_user(client, cast.frank).get(detail_url(hazard))
    assert response.context["action_forms"] == []


def test_the_rectifier_is_told_they_may_not_verify(cast: Cast, client: Client) -> None:
    hazard = register(cast)
    do_grade_case(hazard, grade=HazardGrade.GENERAL, actor=cast.alice)
    do_assign_hazard(hazard, requirement="清理", user=cast.bob, actor=cast.alice)
    do_add_evidence(hazard, upload=photo(), stage=EvidenceStage.AFTER, actor=cast.bob)
    do_submit_case(hazard, actor=cast.bob)
    response = as_user(client, cast.bob).get(detail_url(hazard))
    assert "verify" not in [f["action"] for f in response.context["action_forms"]]
    assert "核查必须由整改人以外的人员进行" in response.content.decode()


def test_the_timeline_lists_every_transition(cast: Cast, client: Client) -> None:
    hazard = assigned(cast, register(cast))
    body = as_user(client, cast.alice).get(detail_url(hazard)).content.decode()
    for label in ("登记", "分级", "交办"):
        assert f"<strong>{label}</strong>" in body
    assert "清理通道" in body


# ---------------------------------------------------------------- the steps


def test_alice_grades_a_hazard(cast: Cast, client: Client) -> None:
    hazard = register(cast)
    response = as_user(client, cast.alice).post(
        action_url(hazard, "grade"), {"grade-grade": "major", "grade-note": "人员密集"}
    )
    assert response.status_code == 302 and response["Location"] == detail_url(hazard)
    hazard = refreshed(hazard)
    assert hazard.state == CaseState.GRADED and hazard.grade == HazardGrade.MAJOR
    assert hazard.deadline is not None
    assert any("重大" in m for m in flashed(response))


def test_a_grade_with_a_past_deadline_is_shown_on_the_field(cast: Cast, client: Client) -> None:
    hazard = register(cast)
    past = (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = as_user(client, cast.alice).post(
        action_url(hazard, "grade"), {"grade-grade": "major", "grade-deadline": past}
    )
    assert response.status_code == 422
    form = response.context["action_forms"][0]["form"]
    assert "deadline" in form.errors
    assert refreshed(hazard).state == CaseState.REGISTERED


def test_a_grid_worker_may_not_grade(cast: Cast, client: Client) -> None:
    hazard = register(cast)
    response = as_user(client, cast.bob).post(action_url(hazard, "grade"), {"grade-grade": "major"})
    assert response.status_code == 403
    assert refreshed(hazard).state == CaseState.REGISTERED


@pytest.mark.parametrize("who", ["charlie", "dora"])
def test_steps_on_an_invisible_hazard_are_404(cast: Cast, client: Client, who: str) -> None:
    hazard = register(cast)
    response = as_user(client, getattr(cast, who)).post(
        action_url(hazard, "cancel"), {"cancel-reason": "重复登记"}
    )
    assert response.status_code == 404
    assert refreshed(hazard).state == CaseState.REGISTERED


def test_an_unknown_step_is_404_and_a_get_is_405(cast: Cast, client: Client) -> None:
    hazard = register(cast)
    as_user(client, cast.alice)
    assert client.post(action_url(hazard, "explode")).status_code == 404
    assert client.get(action_url(hazard, "grade")).status_code == 405


def test_alice_assigns_to_a_company_with_a_requirement(cast: Cast, client: Client) -> None:
    hazard = register(cast)
    do_grade_case(hazard, grade=HazardGrade.GENERAL, actor=cast.alice)
    response = as_user(client, cast.alice).post(
        action_url(hazard, "assign"),
        {"assign-requirement": "三日内清理通道", "assign-organisation": cast.company.pk},
    )
    assert response.status_code == 302
    hazard = refreshed(hazard)
    assert hazard.state == CaseState.ASSIGNED
    assert hazard.assignee_org == cast.company and hazard.requirement == "三日内清理通道"


def test_the_assign_form_offers_only_the_actors_subtree(cast: Cast, client: Client) -> None:
    hazard = register(cast)
    do_grade_case(hazard, grade=HazardGrade.GENERAL, actor=cast.alice)
    response = as_user(client, cast.alice).get(detail_url(hazard))
    form = next(f["form"] for f in response.context["action_forms"] if f["action"] == "assign")
    assert set(form.fields["organisation"].queryset) == {cast.company}
    assert cast.grid_b not in form.fields["unit"].queryset
    assert cast.grid_a in form.fields["unit"].queryset
    officers = set(form.fields["user"].queryset)
    assert {cast.alice, cast.bob, cast.carol} == officers


def test_assigning_without_requirement_or_to_another_district_writes_nothing(
    cast: Cast, client: Client
) -> None:
    hazard = register(cast)
    do_grade_case(hazard, grade=HazardGrade.GENERAL, actor=cast.alice)
    as_user(client, cast.alice)
    response = client.post(action_url(hazard, "assign"), {"assign-unit": cast.grid_a.pk})
    assert response.status_code == 422
    assert "requirement" in response.context["action_forms"][1]["form"].errors
    response = client.post(
        action_url(hazard, "assign"),
        {"assign-requirement": "整改", "assign-organisation": cast.other_company.pk},
    )
    assert response.status_code == 422
    response = client.post(action_url(hazard, "assign"), {"assign-requirement": "整改"})
    assert response.status_code == 422
    assert "请指定承办单位" in response.content.decode()
    assert refreshed(hazard).state == CaseState.GRADED


def test_the_company_uploads_after_photos_and_submits(cast: Cast, client: Client) -> None:
    hazard = assigned(cast, register(cast))
    as_user(client, cast.erin)
    response = client.post(
        action_url(hazard, "evidence"),
        {"evidence-stage": "after", "evidence-upload": [photo("a.jpg"), photo("b.jpg")]},
    )
    assert response.status_code == 302
    assert hazard.evidence.filter(stage=EvidenceStage.AFTER).count() == 2
    response = client.post(action_url(hazard, "submit"), {"submit-note": "已清理"})
    assert response.status_code == 302
    assert refreshed(hazard).state == CaseState.SUBMITTED


def test_a_bad_file_among_uploads_stores_none(cast: Cast, client: Client) -> None:
    hazard = assigned(cast, register(cast))
    fake = SimpleUploadedFile("x.jpg", b"MZ not an image", content_type="image/jpeg")
    response = as_user(client, cast.erin).post(
        action_url(hazard, "evidence"),
        {"evidence-stage": "after", "evidence-upload": [photo(), fake]},
    )
    assert response.status_code == 422
    form = response.context["action_forms"][0]["form"]
    assert "x.jpg" in str(form.errors["upload"])
    assert not hazard.evidence.exists()


def test_the_company_may_not_upload_verification_evidence(cast: Cast, client: Client) -> None:
    hazard = assigned(cast, register(cast))
    response = as_user(client, cast.erin).post(
        action_url(hazard, "evidence"),
        {"evidence-stage": "verification", "evidence-upload": photo()},
    )
    assert response.status_code == 422
    assert not hazard.evidence.exists()


def test_submitting_without_after_photos_is_refused(cast: Cast, client: Client) -> None:
    hazard = assigned(cast, register(cast))
    response = as_user(client, cast.erin).post(action_url(hazard, "submit"))
    assert response.status_code == 422
    assert "请先上传整改后的照片" in response.content.decode()
    assert refreshed(hazard).state == CaseState.ASSIGNED


def _submitted(cast: Cast) -> Hazard:
    hazard = assigned(cast, register(cast))
    do_add_evidence(hazard, upload=photo(), stage=EvidenceStage.AFTER, actor=cast.erin)
    return do_submit_case(hazard, actor=cast.erin)  # type: ignore[return-value]


def test_alice_verifies_and_closes(cast: Cast, client: Client) -> None:
    hazard = _submitted(cast)
    response = as_user(client, cast.alice).post(
        action_url(hazard, "verify"), {"verify-note": "已复查"}
    )
    assert response.status_code == 302
    assert refreshed(hazard).state == CaseState.CLOSED
    assert any("销号" in m for m in flashed(response))


def test_a_rejection_needs_a_note(cast: Cast, client: Client) -> None:
    hazard = _submitted(cast)
    as_user(client, cast.alice)
    response = client.post(action_url(hazard, "reject"), {"reject-note": ""})
    assert response.status_code == 422
    assert refreshed(hazard).state == CaseState.SUBMITTED
    response = client.post(action_url(hazard, "reject"), {"reject-note": "通道仍有杂物"})
    assert response.status_code == 302
    assert refreshed(hazard).state == CaseState.ASSIGNED


def test_a_company_may_not_verify_its_own_work(cast: Cast, client: Client) -> None:
    hazard = _submitted(cast)
    response = as_user(client, cast.erin).post(action_url(hazard, "verify"))
    assert response.status_code == 403
    assert refreshed(hazard).state == CaseState.SUBMITTED


def test_alice_reopens_a_closed_hazard_with_a_reason(cast: Cast, client: Client) -> None:
    hazard = _submitted(cast)
    do_verify_case(hazard, actor=cast.alice)
    as_user(client, cast.alice)
    assert client.post(action_url(hazard, "reopen"), {"reopen-note": ""}).status_code == 422
    response = client.post(action_url(hazard, "reopen"), {"reopen-note": "复查发现反弹"})
    assert response.status_code == 302
    assert refreshed(hazard).state == CaseState.ASSIGNED


def test_alice_cancels_with_a_reason(cast: Cast, client: Client) -> None:
    hazard = register(cast)
    as_user(client, cast.alice)
    assert client.post(action_url(hazard, "cancel"), {"cancel-reason": ""}).status_code == 422
    response = client.post(action_url(hazard, "cancel"), {"cancel-reason": "重复登记"})
    assert response.status_code == 302
    hazard = refreshed(hazard)
    assert hazard.state == CaseState.CANCELLED and hazard.cancel_reason == "重复登记"


def test_a_step_the_state_no_longer_allows_shows_why(cast: Cast, client: Client) -> None:
    hazard = register(cast)
    response = as_user(client, cast.alice).post(action_url(hazard, "verify"))
    assert response.status_code == 422
    assert "当前状态“已登记”下不能执行" in response.content.decode()


def test_htmx_gets_the_forms_back_with_422_or_a_redirect_header(cast: Cast, client: Client) -> None:
    hazard = register(cast)
    as_user(client, cast.alice)
    response = client.post(action_url(hazard, "cancel"), {"cancel-reason": ""}, headers=HX)
    assert response.status_code == 422
    assert "<html" not in response.content.decode()
    assert 'id="action-cancel"' in response.content.decode()
    response = client.post(action_url(hazard, "cancel"), {"cancel-reason": "重复登记"}, headers=HX)
    assert response.status_code == 200 and response["HX-Redirect"] == detail_url(hazard)


# ---------------------------------------------------------------- registration


def test_the_register_page_is_for_police_who_register(cast: Cast, client: Client) -> None:
    url = reverse("hazards:hazard-register")
    response = as_user(client, cast.bob).get(url)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'accept="image/*"' in body and 'capture="environment"' in body and "multiple" in body
    assert 'name="lat"' in body and 'name="lon"' in body
    assert as_user(client, cast.dora).get(url).status_code == 403
    assert as_user(client, cast.erin).get(url).status_code == 403
    assert as_user(client, cast.frank).get(url).status_code == 403


def _form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "电动车楼道充电",
        "category": "fire",
        "description": "三楼楼道有两辆电动车在充电",
        "lat": str(POINT_A[0]),
        "lon": str(POINT_A[1]),
        "responsible_name": "房东",
        "responsible_phone": "13800001111",
    }
    data.update(overrides)
    return data


def test_bob_registers_a_hazard_with_a_photo(cast: Cast, client: Client) -> None:
    response = as_user(client, cast.bob).post(
        reverse("hazards:hazard-register"), _form(photos=[photo("scene.jpg")])
    )
    hazard = Hazard.objects.get()
    assert response.status_code == 302 and response["Location"] == detail_url(hazard)
    assert hazard.unit == cast.grid_a and hazard.created_by == cast.bob
    [evidence] = hazard.evidence.all()
    assert evidence.stage == EvidenceStage.BEFORE and evidence.original_name == "scene.jpg"
    assert any(hazard.reference in m for m in flashed(response))


def test_a_grid_and_an_address_stand_in_for_the_map(cast: Cast, client: Client) -> None:
    response = as_user(client, cast.alice).post(
        reverse("hazards:hazard-register"),
        _form(lat="", lon="", unit=cast.grid_a.pk, address="东门路 12 号"),
    )
    assert response.status_code == 302
    hazard = Hazard.objects.get()
    assert hazard.unit == cast.grid_a and hazard.lat is None and hazard.address == "东门路 12 号"


def test_a_bad_photo_writes_nothing(cast: Cast, client: Client) -> None:
    fake = SimpleUploadedFile("fake.jpg", b"MZ\x90\x00 not a jpeg", content_type="image/jpeg")
    response = as_user(client, cast.bob).post(
        reverse("hazards:hazard-register"), _form(photos=[photo(), fake])
    )
    assert response.status_code == 422
    assert "fake.jpg" in str(response.context["form"].errors["photos"])
    assert not Hazard.objects.exists()
    assert not Evidence.objects.exists()
    assert not AuditEvent.objects.filter(action="hazard.register").exists()


def test_errors_are_shown_next_to_their_fields(cast: Cast, client: Client) -> None:
    response = as_user(client, cast.bob).post(
        reverse("hazards:hazard-register"), _form(title="", category="volcano", lat="", lon="")
    )
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert {"title", "category"} <= set(errors)
    assert not Hazard.objects.exists()


def test_a_point_needs_both_coordinates(cast: Cast, client: Client) -> None:
    response = as_user(client, cast.bob).post(reverse("hazards:hazard-register"), _form(lon=""))
    assert response.status_code == 422
    assert "lat" in response.context["form"].errors
    assert not Hazard.objects.exists()


def test_a_point_in_another_jurisdiction_is_refused(cast: Cast, client: Client) -> None:
    response = as_user(client, cast.bob).post(
        reverse("hazards:hazard-register"), _form(lat=str(POINT_B[0]), lon=str(POINT_B[1]))
    )
    assert response.status_code == 422
    assert "该位置不在您的辖区内" in response.content.decode()
    assert not Hazard.objects.exists()


def test_a_missing_location_is_refused(cast: Cast, client: Client) -> None:
    response = as_user(client, cast.alice).post(
        reverse("hazards:hazard-register"), _form(lat="", lon="")
    )
    assert response.status_code == 422
    assert "unit" in response.context["form"].errors
    assert not Hazard.objects.exists()


# ---------------------------------------------------------------- home and navigation


def test_home_sends_each_role_to_its_page(cast: Cast, client: Client) -> None:
    def home(user: User) -> str:
        response = as_user(client, user).get(reverse("home"))
        assert response.status_code == 302
        return str(response["Location"])

    assert home(cast.bob) == reverse("hazards:hazard-register")
    assert home(cast.alice) == reverse("hazards:hazard-list")
    assert home(cast.erin) in {reverse("hazards:hazard-list"), _url_or("hazards:assigned-list")}
    assert home(cast.frank) in {reverse("hazards:hazard-list"), _url_or("audit:event-list")}
    assert home(cast.ivan) == reverse("antifraud:report-list")
    assert home(cast.hank) == reverse("antifraud:desk")


def _url_or(name: str) -> str:
    rendered = Template("{% load hazard_tags %}{% url_if_exists name %}").render(
        Context({"name": name})
    )
    return rendered or "-"


def test_url_if_exists_is_empty_for_a_page_not_built_yet() -> None:
    assert _url_or("hazards:no-such-page") == "-"
    assert _url_or("hazards:hazard-map") == reverse("hazards:hazard-map")


def test_the_navigation_follows_the_role(cast: Cast, client: Client) -> None:
    register_link = f'href="{reverse("hazards:hazard-register")}"'
    body = as_user(client, cast.alice).get(reverse("hazards:hazard-list")).content.decode()
    assert register_link in body and f'href="{reverse("hazards:hazard-map")}"' in body
    body = as_user(client, cast.erin).get(reverse("hazards:hazard-list")).content.decode()
    assert register_link not in body
    body = as_user(client, cast.dora).get(reverse("hazards:hazard-list")).content.decode()
    assert ">地图</a>" not in body and ">隐患清单</a>" not in body


def test_a_missing_location_is_reported_with_the_other_mistakes(cast: Cast, client: Client) -> None:
    response = as_user(client, cast.alice).post(
        reverse("hazards:hazard-register"), _form(title="", lat="", lon="")
    )
    assert response.status_code == 422
    assert {"title", "unit"} <= set(response.context["form"].errors)


@pytest.mark.parametrize(
    "name", ["hazards:hazard-list", "hazards:hazard-map", "hazards:hazard-geojson"]
)
def test_register_pages_refuse_roles_that_see_no_hazards(cast: Cast, name: str) -> None:
    """A partner desk or a fraud analyst gets 403, not an empty register that reads as
    "no hazards here"; a station chief and an auditor still get the page."""
    url = reverse(name)
    for user in (cast.dora, cast.ivan):
        client = Client()
        client.force_login(user)
        assert client.get(url).status_code == 403
    for user in (cast.alice, cast.frank):
        client = Client()
        client.force_login(user)
        assert client.get(url).status_code == 200
