from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from shouwang.antifraud.actions import do_register_report
from shouwang.antifraud.intake import parse_report
from shouwang.antifraud.tests.factories import report_payload
from shouwang.audit.models import AuditEvent
from shouwang.common.testing import Cast


@pytest.mark.django_db(transaction=True)
def test_the_worker_escalates_late_requests(cast: Cast) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        report = do_register_report(parse_report(report_payload(cast)), actor=cast.alice)
    with time_machine.travel(start + timedelta(minutes=20), tick=True):
        call_command("scheduler", "--once")
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")
    late = report.requests.filter(is_late=True)
    assert late.count() == 4
    assert {r.escalated_to for r in late} == {cast.district_a}
    events = AuditEvent.objects.filter(action="fraud.request_escalated")
    assert events.count() == 4 and {e.channel for e in events} == {"job"}
