from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from shouwang.audit.context import Origin, reset_origin, set_origin
from shouwang.cases.actions import do_scan_overdue


class Command(BaseCommand):
    help = "Mark overdue cases and escalate them now, in this process."

    def handle(self, *args: Any, **options: Any) -> None:
        token = set_origin(Origin(channel="cli"))
        try:
            count = do_scan_overdue()
        finally:
            reset_origin(token)
        self.stdout.write(f"{count} escalations")
