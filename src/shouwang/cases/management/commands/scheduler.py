"""Enqueues the periodic jobs. Run one next to `db_worker`; it holds no state of its own."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.tasks import Task

from shouwang.antifraud.jobs import scan_late_requests, scan_late_tasks
from shouwang.cases.jobs import scan_overdue_cases
from shouwang.notices.jobs import send_notices


def periodic_jobs() -> list[tuple[Task[[], int], int]]:
    """Each job with its interval in seconds."""
    return [
        (scan_overdue_cases, int(settings.OVERDUE_SCAN_SECONDS)),
        # Partner requests have deadlines in minutes: look every minute.
        (scan_late_requests, int(settings.FRAUD_SCAN_SECONDS)),
        # So have dissuasion tasks.
        (scan_late_tasks, int(settings.FRAUD_SCAN_SECONDS)),
        # Retries of SMS and e-mail deliveries (new ones are sent as they commit).
        (send_notices, int(settings.NOTICE_SEND_SECONDS)),
    ]


class Command(BaseCommand):
    help = (
        "Enqueue periodic jobs (overdue cases, late partner requests and dissuasion tasks, "
        "notice deliveries)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="enqueue each job once and exit")

    def handle(self, *args: Any, **options: Any) -> None:
        jobs = periodic_jobs()
        due = [0.0] * len(jobs)
        while True:
            now = time.monotonic()
            for i, (job, interval) in enumerate(jobs):
                if now >= due[i]:
                    result = job.enqueue()
                    self.stdout.write(f"enqueued {job.name} {result.id}")
                    due[i] = now + interval
            if options["once"]:
                return
            time.sleep(max(min(due) - time.monotonic(), 1.0))
