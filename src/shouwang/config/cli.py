"""The `shouwang` command: Django's management commands under the project's settings."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shouwang.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
