from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from shouwang.audit.models import AuditEvent
from shouwang.cases.actions import do_grade_case
from shouwang.common.testing import POINT_A, Cast
from shouwang.hazards.actions import do_register_hazard
from shouwang.hazards.choices import HazardCategory, HazardGrade


@pytest.mark.django_db(transaction=True)
def test_the_scheduler_enqueues_the_scan_and_the_database_worker_runs_it(cast: Cast) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        hazard = do_register_hazard(
            actor=cast.bob,
            title="配电箱裸露",
            category=HazardCategory.PRODUCTION,
            description="车间配电箱门缺失",
            lat=POINT_A[0],
            lon=POINT_A[1],
        )
        do_grade_case(hazard, grade=HazardGrade.GENERAL, actor=cast.alice)

    with time_machine.travel(start + timedelta(days=8), tick=True):
        call_command("scheduler", "--once")
        # The overdue scan, the anti-fraud centre's scans of late requests and tasks, and the
        # retry of notice deliveries.
        assert DBTaskResult.objects.filter(status="READY").count() == 4
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")

    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
    hazard.refresh_from_db()
    assert hazard.is_overdue and hazard.escalated_to == cast.community_a
    event = AuditEvent.objects.get(action="case.escalate")
    assert event.channel == "job" and event.actor is None
