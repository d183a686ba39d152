"""The ``id`` path converter: a database id in a URL.

Django's ``int`` converter takes any run of digits, and an id past the 64-bit range reached
the database: SQLite's driver raises on it (a server error where the answer is "not found"),
which Django guards against for plain integer lookups but not for the parent link of a case
(hazards, fraud reports) or a foreign key. Ids are positive and below 2^63, so 18 digits are
enough; anything longer is not a page."""

from __future__ import annotations

from django.urls import register_converter


class IdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


def register() -> None:
    register_converter(IdConverter, "id")
