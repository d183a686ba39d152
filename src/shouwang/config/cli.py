"""The `shouwang` command: Django's management commands under the project's settings."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shouwang.config.settings")
    if sys.argv[1:2] == ["demo"]:
        # The demo shows what SMS would have gone out (admin: 通知发送), sending none.
        os.environ.setdefault("SHOUWANG_SMS_BACKEND", "outbox")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
