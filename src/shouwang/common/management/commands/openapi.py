"""Writes the API's OpenAPI document, or checks that the committed one is current."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

OPENAPI_FILE = Path(__file__).resolve().parents[4].parent / "docs" / "openapi.json"


def current_schema() -> str:
    from shouwang.config.api import api

    with translation.override("en"):
        schema = api.get_openapi_schema()
    # Response descriptions come from http.HTTPStatus, whose phrase for 422 changed between
    # Python versions; pin it so the committed file does not depend on the interpreter.
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            response = operation.get("responses", {}).get(422)
            response = response or operation.get("responses", {}).get("422")
            if response is not None:
                response["description"] = "Unprocessable Content"
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


class Command(BaseCommand):
    help = "Write docs/openapi.json, or with --check fail when it differs from the code."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true")
        parser.add_argument("--path", type=Path, default=OPENAPI_FILE)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        text = current_schema()
        if options["check"]:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                raise CommandError(
                    f"{path} is out of date: run `shouwang openapi` and commit the result"
                )
            self.stdout.write("OpenAPI document is current")
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.stdout.write(f"wrote {path}")
