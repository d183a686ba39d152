from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shouwang.audit.models import AuditEvent
from shouwang.cases.actions import do_assign_case, do_grade_case
from shouwang.cases.actions_sla import do_set_sla_rule, effective_sla_table
from shouwang.cases.models import Evidence, SlaRule
from shouwang.cases.views import safe_filename
from shouwang.common.errors import NotPermitted
from shouwang.common.testing import PASSWORD, POINT_A, Cast
from shouwang.hazards.actions import do_register_hazard
from shouwang.hazards.choices import HazardCategory, HazardGrade
from shouwang.hazards.models import Hazard
from shouwang.orgs.models import User

SLA = reverse("cases:sla-list")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def login(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def register(cast: Cast, photos: list[UploadedFile[bytes]] | None = None) -> Hazard:
    return do_register_hazard(
        actor=cast.bob,
        title="消防通道堵塞",
        category=HazardCategory.FIRE,
        description="仓库后门消防通道堆放纸箱",
        lat=POINT_A[0],
        lon=POINT_A[1],
        photos=photos,
    )


@pytest.fixture
def evidence(cast: Cast, jpeg: SimpleUploadedFile) -> Evidence:
    hazard = register(cast, photos=[jpeg])
    found = hazard.evidence.get()
    assert isinstance(found, Evidence)
    return found


def download(client: Client, evidence: Evidence) -> Any:
    return client.get(reverse("cases:evidence-download", args=[evidence.pk]))


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


# --- evidence --------------------------------------------------------------------------------


def test_it_serves_evidence_to_the_station_of_the_case(cast: Cast, evidence: Evidence) -> None:
    response = download(login(cast.alice), evidence)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == 'inline; filename="photo.jpg"'
    assert response["X-Content-Type-Options"] == "nosniff"
    evidence.file.open("rb")
    assert body(response) == evidence.file.read()
    evidence.file.close()


@pytest.mark.parametrize("name", ["charlie", "dora", "erin"])
def test_it_hides_evidence_from_other_jurisdictions_and_parties(
    cast: Cast, evidence: Evidence, name: str
) -> None:
    assert download(login(getattr(cast, name)), evidence).status_code == 404


def test_the_assigned_company_may_see_the_evidence(cast: Cast, evidence: Evidence) -> None:
    case = Hazard.objects.get(pk=evidence.case_id)
    do_grade_case(case, grade=HazardGrade.GENERAL, actor=cast.alice)
    do_assign_case(case, organisation=cast.company, actor=cast.alice)
    assert download(login(cast.erin), evidence).status_code == 200


def test_it_sends_anonymous_visitors_to_the_login_page(cast: Cast, evidence: Evidence) -> None:
    response = download(Client(), evidence)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_it_answers_404_for_missing_evidence_and_missing_files(
    cast: Cast, evidence: Evidence
) -> None:
    client = login(cast.alice)
    assert client.get(reverse("cases:evidence-download", args=[999999])).status_code == 404
    assert evidence.file.name
    evidence.file.storage.delete(evidence.file.name)
    assert download(client, evidence).status_code == 404


def test_it_serves_a_pdf_inline_under_a_safe_name(cast: Cast) -> None:
    upload = SimpleUploadedFile('整改"报告\r\n.pdf', PDF, content_type="application/pdf")
    hazard = register(cast, photos=[upload])
    evidence = hazard.evidence.get()
    response = download(login(cast.bob), evidence)
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("inline; filename*=utf-8''")
    assert '"' not in disposition.split(";", 1)[1] and "\r" not in disposition
    assert body(response) == PDF


def test_any_other_stored_type_is_downloaded_not_shown(cast: Cast, evidence: Evidence) -> None:
    Evidence.objects.filter(pk=evidence.pk).update(content_type="text/html")
    response = download(login(cast.alice), evidence)
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize(
    ("original", "content_type", "expected"),
    [
        ("photo.jpg", "image/jpeg", "photo.jpg"),
        ("../../etc/passwd", "image/png", "passwd.png"),
        ("C:\\Users\\x\\现场.JPG", "image/jpeg", "现场.jpg"),
        ('a"b;c.pdf', "application/pdf", "a_b_c.pdf"),
        ("...", "image/jpeg", "evidence-7.jpg"),
        ("page.html", "application/pdf", "page.pdf"),
    ],
)
def test_safe_filenames(original: str, content_type: str, expected: str) -> None:
    assert safe_filename(original, content_type, 7) == expected


# --- the SLA table ---------------------------------------------------------------------------


def test_every_viewer_of_hazards_sees_the_sla_table_read_only(cast: Cast) -> None:
    response = login(cast.alice).get(SLA)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<form" not in html.split("<table", 1)[1]
    rows = {(r.kind, r.grade): r.hours for r in effective_sla_table()}
    assert rows[("hazard", HazardGrade.MAJOR)] == 720
    assert "720" in html and "168" in html


def test_the_sla_table_names_every_kind_in_words(cast: Cast) -> None:
    labels = {r.kind: r.kind_label for r in effective_sla_table()}
    assert {"hazard", "fraud"} <= set(labels)
    assert all(label != kind for kind, label in labels.items())
    html = login(cast.alice).get(SLA).content.decode()
    assert '<td>诈骗报案 <span class="muted">ZP</span></td>' in html
    assert '<td>隐患 <span class="muted">YH</span></td>' in html
    english = login(cast.alice).get(SLA, headers={"Accept-Language": "en"}).content.decode()
    assert "<td>fraud " not in english and "Fraud report" in english
    assert "Exceptionally large" in english and "Relatively large" in english
    assert "Significant" in english  # a hazard's 较大 grade keeps its own English
    # English quotation marks, not the Chinese ones a CJK font draws full width.
    assert '"re-escalation interval"' in english and "“re-escalation" not in english


def test_the_admin_sees_the_sla_table_with_forms(cast: Cast) -> None:
    html = login(cast.admin).get(SLA).content.decode()
    assert 'name="hours"' in html
    assert reverse("cases:sla-edit") in html


@pytest.mark.parametrize("name", ["dora"])
def test_users_without_hazard_view_cannot_see_the_sla_table(cast: Cast, name: str) -> None:
    assert login(getattr(cast, name)).get(SLA).status_code == 403


def test_the_sla_table_needs_a_login(cast: Cast) -> None:
    assert Client().get(SLA).status_code == 302


def test_only_admins_may_edit_the_sla_table(cast: Cast) -> None:
    data = {"kind": "hazard", "grade": "general", "hours": "48", "escalate_every_hours": "24"}
    for user in (cast.alice, cast.frank, cast.dora):
        assert login(user).post(SLA, data).status_code == 403
    assert not SlaRule.objects.exists()
    assert not AuditEvent.objects.filter(action="sla.set").exists()


def test_an_sla_edit_sets_the_deadline_of_the_next_grading_and_is_audited(cast: Cast) -> None:
    already = register(cast)
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        do_grade_case(already, grade=HazardGrade.GENERAL, actor=cast.alice)
    data = {"kind": "hazard", "grade": "general", "hours": "48", "escalate_every_hours": "24"}
    response = login(cast.admin).post(SLA, data, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert 'value="48"' in response.content.decode()
    event = AuditEvent.objects.get(action="sla.set")
    assert event.actor == cast.admin
    assert event.detail["hours"] == 48
    assert event.detail["before"]["hours"] == 7 * 24
    hazard = register(cast)
    with time_machine.travel(now, tick=False):
        do_grade_case(hazard, grade=HazardGrade.GENERAL, actor=cast.alice)
    hazard.refresh_from_db()
    already.refresh_from_db()
    assert hazard.deadline == now + timedelta(hours=48)
    assert already.deadline == now + timedelta(hours=7 * 24)  # a set deadline stays


@pytest.mark.parametrize(
    ("field", "value"),
    [("hours", "0"), ("hours", "8761"), ("hours", "abc"), ("escalate_every_hours", "")],
)
def test_a_bad_sla_value_is_refused_with_the_field_named(
    cast: Cast, field: str, value: str
) -> None:
    data = {"kind": "hazard", "grade": "general", "hours": "48", "escalate_every_hours": "24"}
    data[field] = value
    response = login(cast.admin).post(SLA, data, headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert response.context["errors"][field]
    assert not SlaRule.objects.exists()
    assert not AuditEvent.objects.filter(action="sla.set").exists()


def test_an_unknown_kind_or_grade_is_refused(cast: Cast) -> None:
    client = login(cast.admin)
    for kind, grade in (("nope", "general"), ("hazard", "tiny")):
        data = {"kind": kind, "grade": grade, "hours": "48", "escalate_every_hours": "24"}
        response = client.post(SLA, data)
        assert response.status_code == 422
    assert not SlaRule.objects.exists()


def test_the_sla_edit_without_htmx_shows_the_whole_table(cast: Cast) -> None:
    data = {"kind": "hazard", "grade": "major", "hours": "240", "escalate_every_hours": "48"}
    html = login(cast.admin).post(SLA, data).content.decode()
    assert "<html" in html and 'value="240"' in html


def test_the_action_upserts_one_rule_per_kind_and_grade(cast: Cast) -> None:
    do_set_sla_rule("hazard", "major", 100, 10, actor=cast.admin)
    rule = do_set_sla_rule("hazard", "major", 200, 20, actor=cast.admin)
    assert SlaRule.objects.count() == 1
    assert (rule.hours, rule.escalate_every_hours) == (200, 20)
    last = AuditEvent.objects.filter(action="sla.set").order_by("-pk").first()
    assert last is not None
    assert last.detail["before"] == {"hours": 100, "escalate_every_hours": 10}
    row = next(r for r in effective_sla_table() if r.grade == "major")
    assert row.overridden and row.hours == 200 and row.default_hours == 720


def test_the_action_checks_capability_and_range(cast: Cast) -> None:
    with pytest.raises(NotPermitted):
        do_set_sla_rule("hazard", "major", 100, 10, actor=cast.alice)
    with pytest.raises(ValidationError) as err:
        do_set_sla_rule("hazard", "major", 0, 9000, actor=cast.admin)
    assert set(err.value.message_dict) == {"hours", "escalate_every_hours"}
    with pytest.raises(ValidationError) as err:
        do_set_sla_rule("no_such_kind", "major", 10, 10, actor=cast.admin)
    assert "kind" in err.value.message_dict
    assert not SlaRule.objects.exists()
