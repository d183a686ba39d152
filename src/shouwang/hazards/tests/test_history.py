"""The hazard page's history (流转记录): each assignment names its assignees, deadline and
requirement; escalations and corrections read in the reader's language."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from shouwang.cases.actions import do_grade_case, do_scan_overdue
from shouwang.common.testing import Cast
from shouwang.hazards.actions import do_assign_hazard
from shouwang.hazards.actions_edit import do_update_hazard
from shouwang.hazards.choices import HazardCategory, HazardGrade
from shouwang.hazards.history import hazard_history
from shouwang.hazards.models import Hazard
from shouwang.hazards.tests.test_pages import register
from shouwang.orgs.models import User


def history_html(client: Client, user: User, hazard: Hazard, language: str = "zh-hans") -> str:
    client.force_login(user)
    client.cookies["django_language"] = language
    # The request activates its language; the override puts the test's own back afterwards.
    with translation.override(language):
        page = client.get(reverse("hazards:hazard-detail", args=[hazard.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    history = body[body.index('<ol class="timeline">') :]
    return history[: history.index("</ol>")]


def assigned_then_reassigned(cast: Cast) -> Hazard:
    hazard = register(cast)
    do_grade_case(hazard, grade=HazardGrade.SIGNIFICANT, actor=cast.alice)
    first_deadline = timezone.now() + timedelta(days=10)
    do_assign_hazard(
        hazard,
        requirement="清理通道",
        user=cast.bob,
        organisation=cast.company,
        deadline=first_deadline,
        actor=cast.alice,
    )
    do_assign_hazard(
        hazard,
        requirement="拆除堆放物并设置警示",
        unit=cast.community_a,
        deadline=first_deadline + timedelta(days=5),
        actor=cast.alice,
    )
    return hazard


def test_the_history_names_both_assignments_with_deadline_and_requirement(
    cast: Cast, client: Client
) -> None:
    hazard = assigned_then_reassigned(cast)
    body = history_html(client, cast.alice, hazard)
    first, second = body.split('class="tl-assign"')[1:]
    assert "东门五金厂" in first and "Bob" in first and "清理通道" in first
    assert "东门社区" in second and "拆除堆放物并设置警示" in second
    assert "Bob" not in second and "东门五金厂" not in second
    for entry, step in zip(
        (first, second), hazard.transitions.filter(action="assign").order_by("pk"), strict=True
    ):
        deadline = timezone.localtime(datetime.fromisoformat(step.detail["deadline"]))
        assert deadline.strftime("%Y-%m-%d %H:%M") in entry


def test_the_assign_step_stores_what_was_asked_and_by_when(cast: Cast) -> None:
    hazard = assigned_then_reassigned(cast)
    steps = list(hazard.transitions.filter(action="assign").order_by("pk"))
    assert [s.detail["requirement"] for s in steps] == ["清理通道", "拆除堆放物并设置警示"]
    assert steps[1].detail["unit"] == cast.community_a.pk
    assert steps[1].detail["deadline"] == Hazard.objects.get(pk=hazard.pk).deadline.isoformat()  # type: ignore[union-attr]


def test_a_company_is_not_told_which_other_company_had_the_hazard(cast: Cast) -> None:
    hazard = register(cast)
    do_grade_case(hazard, grade=HazardGrade.SIGNIFICANT, actor=cast.alice)
    # Someone over both grids hands it to a company of grid B first (alice may not).
    do_assign_hazard(
        hazard, requirement="清理通道", organisation=cast.other_company, actor=cast.admin
    )
    do_assign_hazard(hazard, requirement="清理通道", organisation=cast.company, actor=cast.alice)
    with translation.override("zh-hans"):
        for_erin = [e.assignees for e in hazard_history(hazard, cast.erin) if e.assignees]
        for_alice = [e.assignees for e in hazard_history(hazard, cast.alice) if e.assignees]
    assert for_erin == [["其他机构"], ["东门五金厂"]]
    assert for_alice == [["西门纺织厂"], ["东门五金厂"]]


def test_an_escalation_names_the_unit_in_the_readers_language(cast: Cast, client: Client) -> None:
    hazard = register(cast)
    do_grade_case(hazard, grade=HazardGrade.GENERAL, actor=cast.alice)
    do_assign_hazard(hazard, requirement="清理通道", unit=cast.grid_a, actor=cast.alice)
    stored = Hazard.objects.get(pk=hazard.pk)
    assert stored.deadline is not None
    with translation.override("zh-hans"):
        assert do_scan_overdue(now=stored.deadline + timedelta(hours=1)) == 1
    body = history_html(client, cast.alice, hazard, "en")
    escalation = body.split('class="tl-escalate"')[1]
    escalation = escalation.split("</li>")[0]
    assert "Escalated to" in escalation and "东门社区" in escalation
    assert "已逾期" not in escalation


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("zh-hans", ("修改了:标题、地址", "修改了:地址、标题")),
        ("en", ("Changed: Title, Address", "Changed: Address, Title")),
    ],
)
def test_a_correction_lists_the_fields_in_the_readers_language(
    cast: Cast, client: Client, language: str, expected: tuple[str, str]
) -> None:
    hazard = register(cast)
    # Made by a Chinese reader; an English reader still reads the fields in English.
    with translation.override("zh-hans"):
        do_update_hazard(hazard, actor=cast.alice, title="安全出口上锁", address="东门路3号")
    body = history_html(client, cast.alice, hazard, language)
    assert any(text in body for text in expected)


def test_the_edit_note_is_written_with_the_languages_list_separator(cast: Cast) -> None:
    hazard = register(cast)
    with translation.override("en"):
        do_update_hazard(
            hazard, actor=cast.alice, title="安全出口上锁", category=HazardCategory.PRODUCTION
        )
    note = hazard.transitions.get(action="edit").note
    assert "、" not in note and ", " in note
