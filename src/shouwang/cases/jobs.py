"""Background jobs of the lifecycle engine, run by the database-backed worker."""

from __future__ import annotations

from django.tasks import task

from shouwang.audit.context import Origin, reset_origin, set_origin
from shouwang.cases.actions import do_scan_overdue


@task()
def scan_overdue_cases() -> int:
    token = set_origin(Origin(channel="job"))
    try:
        return do_scan_overdue()
    finally:
        reset_origin(token)
