"""Enqueues the periodic jobs. Run one next to `db_worker`; it holds no state of its own."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from shouwang.cases.jobs import scan_overdue_cases


class Command(BaseCommand):
    help = "Enqueue periodic jobs (the overdue scan) for the database-backed worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="enqueue once and exit")

    def handle(self, *args: Any, **options: Any) -> None:
        interval = int(settings.OVERDUE_SCAN_SECONDS)
        while True:
            result = scan_overdue_cases.enqueue()
            self.stdout.write(f"enqueued overdue scan {result.id}")
            if options["once"]:
                return
            time.sleep(interval)
