"""Background jobs of the anti-fraud centre, run by the database-backed worker."""

from __future__ import annotations

from django.tasks import task

from shouwang.antifraud.actions import do_scan_late_requests
from shouwang.antifraud.warning.actions import do_scan_late_tasks
from shouwang.audit.context import Origin, reset_origin, set_origin


@task()
def scan_late_requests() -> int:
    """Marks late partner requests and escalates them; the scheduler enqueues it every minute
    (`SHOUWANG_FRAUD_SCAN_SECONDS`), since request deadlines are counted in minutes."""
    token = set_origin(Origin(channel="job"))
    try:
        return do_scan_late_requests()
    finally:
        reset_origin(token)


@task()
def scan_late_tasks() -> int:
    """Hands dissuasion tasks still open at their deadline to another officer of the station;
    enqueued every minute with the request scan (deadlines of 15 minutes and up)."""
    token = set_origin(Origin(channel="job"))
    try:
        return do_scan_late_tasks()
    finally:
        reset_origin(token)
