from __future__ import annotations

from datetime import timedelta

import time_machine
from django.utils import timezone

from shouwang.cases.actions import do_grade_case, do_scan_overdue
from shouwang.cases.choices import CaseAction
from shouwang.common.testing import POINT_A, Cast
from shouwang.hazards.actions import do_register_hazard
from shouwang.hazards.choices import HazardCategory, HazardGrade
from shouwang.hazards.models import Hazard


def test_the_scan_marks_overdue_and_escalates_up_the_tree(cast: Cast) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        hazard = do_register_hazard(
            actor=cast.bob,
            title="燃气管老化",
            category=HazardCategory.FIRE,
            description="餐馆燃气软管老化",
            lat=POINT_A[0],
            lon=POINT_A[1],
        )
        do_grade_case(hazard, grade=HazardGrade.GENERAL, actor=cast.alice)
        assert do_scan_overdue() == 0

    with time_machine.travel(start + timedelta(days=7, hours=1), tick=False):
        assert do_scan_overdue() == 1
        assert do_scan_overdue() == 0  # idempotent
    hazard.refresh_from_db()
    assert hazard.is_overdue
    assert hazard.escalation_level == 1
    assert hazard.escalated_to == cast.community_a  # the grid's parent

    with time_machine.travel(start + timedelta(days=10, hours=2), tick=False):
        assert do_scan_overdue() == 1
    hazard.refresh_from_db()
    assert hazard.escalation_level == 2
    assert hazard.escalated_to == cast.station_a
    assert hazard.transitions.filter(action=CaseAction.ESCALATE).count() == 2


def test_closed_cases_are_never_overdue(cast: Cast) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        hazard = do_register_hazard(
            actor=cast.bob,
            title="x",
            category=HazardCategory.OTHER,
            description="y",
            lat=POINT_A[0],
            lon=POINT_A[1],
        )
        do_grade_case(hazard, grade=HazardGrade.GENERAL, actor=cast.alice)
    Hazard.objects.filter(pk=hazard.pk).update(state="cancelled")
    with time_machine.travel(start + timedelta(days=30), tick=False):
        assert do_scan_overdue() == 0
