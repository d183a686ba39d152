from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shouwang.cases.actions import do_add_evidence, do_grade_case, do_submit_case, do_verify_case
from shouwang.cases.choices import CaseState, EvidenceStage
from shouwang.cases.models import Evidence
from shouwang.common.testing import POINT_A, POINT_B, Cast, make_jpeg
from shouwang.hazards.actions import do_assign_hazard, do_register_hazard
from shouwang.hazards.choices import HazardCategory, HazardGrade
from shouwang.hazards.models import Hazard
from shouwang.orgs.models import Organisation, User

LIST_URL = reverse("hazards:assigned-list")


def photo(name: str = "after.jpg", colour: str = "green") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, make_jpeg(colour), content_type="image/jpeg")


def assigned(
    cast: Cast, title: str, organisation: Organisation, *, east: bool = True, days: int = 7
) -> Hazard:
    """A hazard found (with a before-photo) and assigned to `organisation` by its station chief."""
    chief, worker, point = (
        (cast.alice, cast.bob, POINT_A) if east else (cast.charlie, cast.charlie, POINT_B)
    )
    hazard = do_register_hazard(
        actor=worker,
        title=title,
        category=HazardCategory.FIRE,
        description="安全出口上锁",
        lat=point[0],
        lon=point[1],
        photos=[photo("before.jpg", "red")],
    )
    do_grade_case(
        hazard,
        grade=HazardGrade.SIGNIFICANT,
        deadline=timezone.now() + timedelta(days=days),
        actor=chief,
    )
    do_assign_hazard(
        hazard, requirement="打开安全出口并拆除门锁", organisation=organisation, actor=chief
    )
    return hazard


@dataclass
class Scene:
    ours: Hazard
    later: Hazard
    done: Hazard
    theirs: Hazard


@pytest.fixture
def scene(cast: Cast) -> Scene:
    ours = assigned(cast, "东门五金厂安全出口上锁", cast.company, days=3)
    later = assigned(cast, "东门五金厂灭火器过期", cast.company, days=10)
    done = assigned(cast, "东门五金厂电线老化", cast.company, days=5)
    do_add_evidence(done, upload=photo(), stage=EvidenceStage.AFTER, actor=cast.erin)
    do_submit_case(done, actor=cast.erin)
    do_verify_case(done, actor=cast.alice)
    theirs = assigned(cast, "西门纺织厂通道堵塞", cast.other_company, east=False)
    return Scene(ours=ours, later=later, done=done, theirs=theirs)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def rectify_url(hazard: Hazard) -> str:
    return reverse("hazards:hazard-rectify", args=[hazard.pk])


# --- the list -----------------------------------------------------------------------------


def test_the_list_sends_anonymous_visitors_to_log_in(cast: Cast):
    response = Client().get(LIST_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", ["dora", "frank"])
def test_the_list_is_not_found_without_the_rectify_capability(cast: Cast, name: str):
    assert client_for(getattr(cast, name)).get(LIST_URL).status_code == 404


def test_the_list_shows_a_company_its_own_hazards_open_first_by_deadline(cast: Cast, scene: Scene):
    response = client_for(cast.erin).get(LIST_URL)
    assert response.status_code == 200
    hazards = [h for h, _overdue in response.context["rows"]]
    assert hazards == [scene.ours, scene.later, scene.done]
    html = response.content.decode()
    assert "打开安全出口并拆除门锁" in html
    assert "西门纺织厂" not in html


def test_the_list_filters_with_the_register_filter(cast: Cast, scene: Scene):
    response = client_for(cast.erin).get(LIST_URL, {"open": "false"})
    assert [h for h, _overdue in response.context["rows"]] == [scene.done]
    response = client_for(cast.erin).get(LIST_URL, {"q": "灭火器"})
    assert [h for h, _overdue in response.context["rows"]] == [scene.later]


def test_the_list_names_an_invalid_filter_value(cast: Cast, scene: Scene):
    response = client_for(cast.erin).get(LIST_URL, {"open": "perhaps"})
    assert response.status_code == 400
    assert "是否销号" in response.content.decode()


def test_the_list_marks_hazards_past_their_deadline(cast: Cast, scene: Scene):
    with time_machine.travel(timezone.now() + timedelta(days=4)):
        response = client_for(cast.erin).get(LIST_URL)
    overdue = {h.pk: flag for h, flag in response.context["rows"]}
    assert overdue == {scene.ours.pk: True, scene.later.pk: False, scene.done.pk: False}


def test_the_list_shows_an_officer_what_is_assigned_to_them(cast: Cast):
    hazard = do_register_hazard(
        actor=cast.bob,
        title="楼道堆物",
        category=HazardCategory.FIRE,
        description="楼道堆放电动车",
        lat=POINT_A[0],
        lon=POINT_A[1],
    )
    do_grade_case(hazard, grade=HazardGrade.GENERAL, actor=cast.alice)
    do_assign_hazard(hazard, requirement="劝离电动车", user=cast.bob, actor=cast.alice)
    bob_rows = client_for(cast.bob).get(LIST_URL).context["rows"]
    carol_rows = client_for(cast.carol).get(LIST_URL).context["rows"]
    assert [h for h, _ in bob_rows] == [hazard]
    assert carol_rows == []


# --- the rectify page ---------------------------------------------------------------------


def test_the_page_sends_anonymous_visitors_to_log_in(cast: Cast, scene: Scene):
    assert Client().get(rectify_url(scene.ours)).status_code == 302


def test_the_page_shows_requirement_deadline_and_before_photos(cast: Cast, scene: Scene):
    response = client_for(cast.erin).get(rectify_url(scene.ours))
    assert response.status_code == 200
    html = response.content.decode()
    assert "打开安全出口并拆除门锁" in html
    assert timezone.localtime(scene.ours.deadline).strftime("%Y-%m-%d %H:%M") in html
    before = scene.ours.evidence.get(stage=EvidenceStage.BEFORE)
    assert reverse("cases:evidence-download", args=[before.pk]) in html
    assert response.context["can_act"] is True


def test_a_company_cannot_open_a_hazard_of_another_company(cast: Cast, scene: Scene):
    assert client_for(cast.erin).get(rectify_url(scene.theirs)).status_code == 404


@pytest.mark.parametrize("name", ["charlie", "dora"])
def test_the_page_rejects_other_jurisdiction_and_other_parties(cast: Cast, scene: Scene, name: str):
    assert client_for(getattr(cast, name)).get(rectify_url(scene.ours)).status_code == 404


def test_a_company_uploads_after_photos_and_submits(cast: Cast, scene: Scene):
    client = client_for(cast.erin)
    response = client.post(
        rectify_url(scene.ours),
        {"step": "upload", "files": [photo("a.jpg"), photo("b.jpg", "blue")]},
    )
    assert response.status_code == 302
    after = Evidence.objects.filter(case=scene.ours, stage=EvidenceStage.AFTER)
    assert sorted(after.values_list("original_name", flat=True)) == ["a.jpg", "b.jpg"]
    assert {e.uploaded_by for e in after} == {cast.erin}

    response = client.post(rectify_url(scene.ours), {"step": "submit", "note": "已拆除门锁"})
    assert response.status_code == 302
    scene.ours.refresh_from_db()
    assert scene.ours.state == CaseState.SUBMITTED
    assert scene.ours.submitted_by == cast.erin
    assert scene.ours.transitions.filter(action="submit", note="已拆除门锁").exists()
    page = client.get(rectify_url(scene.ours))
    assert page.context["can_act"] is False
    assert "等待民警核查" in page.content.decode()


def test_it_writes_nothing_when_a_file_is_not_an_image(cast: Cast, scene: Scene):
    fake = SimpleUploadedFile("report.jpg", b"MZ\x90\x00 not a jpeg", content_type="image/jpeg")
    response = client_for(cast.erin).post(
        rectify_url(scene.ours), {"step": "upload", "files": [photo("good.jpg"), fake]}
    )
    assert response.status_code == 400
    assert "report.jpg:只接受 JPEG、PNG 图片或 PDF 文件。" in response.content.decode()
    assert not Evidence.objects.filter(case=scene.ours, stage=EvidenceStage.AFTER).exists()
    scene.ours.refresh_from_db()
    assert scene.ours.state == CaseState.ASSIGNED


def test_it_asks_for_a_file_when_none_was_chosen(cast: Cast, scene: Scene):
    response = client_for(cast.erin).post(rectify_url(scene.ours), {"step": "upload"})
    assert response.status_code == 400
    assert "请选择要上传的照片或 PDF 文件。" in response.content.decode()


def test_it_refuses_to_submit_without_after_evidence(cast: Cast, scene: Scene):
    response = client_for(cast.erin).post(rectify_url(scene.ours), {"step": "submit"})
    assert response.status_code == 400
    assert "请先上传整改后的照片或文件。" in response.content.decode()
    scene.ours.refresh_from_db()
    assert scene.ours.state == CaseState.ASSIGNED


def test_a_company_cannot_post_to_a_hazard_of_another_company(cast: Cast, scene: Scene):
    response = client_for(cast.erin).post(
        rectify_url(scene.theirs), {"step": "upload", "files": [photo()]}
    )
    assert response.status_code == 404
    assert not Evidence.objects.filter(case=scene.theirs, stage=EvidenceStage.AFTER).exists()


def test_an_officer_who_is_not_the_assignee_may_not_submit(cast: Cast, scene: Scene):
    do_add_evidence(scene.ours, upload=photo(), stage=EvidenceStage.AFTER, actor=cast.erin)
    response = client_for(cast.carol).post(rectify_url(scene.ours), {"step": "submit"})
    assert response.status_code == 403
    scene.ours.refresh_from_db()
    assert scene.ours.state == CaseState.ASSIGNED


def test_the_page_shows_why_verification_failed(cast: Cast, scene: Scene):
    from shouwang.cases.actions import do_reject_case

    do_add_evidence(scene.ours, upload=photo(), stage=EvidenceStage.AFTER, actor=cast.erin)
    do_submit_case(scene.ours, actor=cast.erin)
    do_reject_case(scene.ours, note="门锁仍未拆除", actor=cast.alice)
    response = client_for(cast.erin).get(rectify_url(scene.ours))
    assert response.context["rejection"].note == "门锁仍未拆除"
    assert "门锁仍未拆除" in response.content.decode()
