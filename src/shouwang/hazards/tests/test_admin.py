"""The read-only hazard admin shows the grade by its label, not its code."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse
from django.utils import translation

from shouwang.cases.actions import do_grade_case
from shouwang.common.testing import Cast
from shouwang.hazards.choices import HazardGrade
from shouwang.hazards.tests.test_pages import register


def test_the_admin_shows_the_grade_label(cast: Cast, client: Client) -> None:
    hazard = register(cast)
    do_grade_case(hazard, grade=HazardGrade.SIGNIFICANT, actor=cast.alice)
    client.force_login(cast.admin)
    with translation.override("zh-hans"):
        label = str(HazardGrade.SIGNIFICANT.label)
    change = client.get(reverse("admin:hazards_hazard_change", args=[hazard.pk]))
    assert change.status_code == 200
    page = change.content.decode()
    assert f'<div class="readonly">{label}</div>' in page
    assert "significant" not in page.replace("grade-significant", "")
    listing = client.get(reverse("admin:hazards_hazard_changelist") + "?grade=significant")
    assert listing.status_code == 200
    assert hazard.title in listing.content.decode()
    assert label in listing.content.decode()
