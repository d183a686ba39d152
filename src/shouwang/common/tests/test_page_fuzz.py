"""Every form on every page answers bad input without a server error.

A small demo city is loaded, each demo user walks the pages they are shown, and every form
found is submitted again and again with one field changed to a bad value for its kind (too
long, a number past any column, NaN, year 1, left out), the others filled as a person would. The
pages' counterpart of the API fuzz test (`test_api_fuzz.py`), with a fixed set of values so
that a run cannot fail on a draw it has not seen. Each answer may refuse the input (4xx) or
take it (2xx, 3xx); a 5xx fails the test, with the form, the field and the exception.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterator

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from shouwang.common.tests.pagecrawl import Form, crawl, plausible
from shouwang.orgs.models import User

pytestmark = pytest.mark.django_db

# One of each kind of user the demo signs in: police at three levels, the anti-fraud centre,
# a grid worker, partner desks, a company, the auditor and the administrator.
USERS = (
    "city",
    "chief",
    "officer",
    "grid",
    "analyst_1",
    "bank",
    "desk_carrier_1",
    "company",
    "auditor",
    "admin",
)
LONG, HUGE = "x" * 3000, "99999999999999999999"
# The values that broke pages before, by the kind of input they were typed into.
BAD = {
    "text": (LONG,),
    "number": (HUGE, "nan", "-1", "1e309"),
    "date": ("0001-01-01", "9999-12-31", "2026-02-30", "2026-02-30T10:00", LONG),
    "select": (HUGE, LONG),
    "hidden": (HUGE, "nan", "0001-01-01T00:00", LONG),
}
KIND = {
    **dict.fromkeys(("textarea", "search", "tel", "email", "url", "password"), "text"),
    **dict.fromkeys(("radio", "submit"), "select"),
    "datetime-local": "date",
}
BAD_FILES = (
    ("empty.csv", b""),
    ("binary.csv", bytes(range(256)) * 4),
    ("quote.csv", '时间,类别\n"unterminated,1\n'.encode()),
    ("gbk.csv", "时间,类别,地址\n2024-01-01,盗窃,某地\n".encode("gbk")),
    ("broken.xlsx", b"PK\x03\x04not a workbook"),
)
Data = list[tuple[str, str]]


def _variants(form: Form) -> Iterator[tuple[str, Data, dict[str, SimpleUploadedFile]]]:
    now = timezone.localtime()
    fields = [f for f in form.fields if f.name != "csrfmiddlewaretoken" and f.kind != "file"]
    base = [(f.name, v) for f in fields if (v := plausible(f, now)) is not None]
    yield "as filled", base, {}
    kinds = {f.name: KIND.get(f.kind, f.kind) for f in fields}
    for i, (name, _) in enumerate(base):
        for bad in BAD.get(kinds[name], BAD["hidden"]):
            yield f"{name}={bad[:12]!r}", [*base[:i], (name, bad), *base[i + 1 :]], {}
        yield f"{name} left out", base[:i] + base[i + 1 :], {}
    for f in fields:
        if f.kind == "checkbox" and f.value is None:
            yield f"{f.name} ticked", [*base, (f.name, f.options[0])], {}
    for f in form.fields:
        if f.kind == "file":
            for name, content in BAD_FILES:
                yield f"file {name}", base, {f.name: SimpleUploadedFile(name, content)}


def _server_error(
    client: Client, form: Form, data: Data, files: dict[str, SimpleUploadedFile]
) -> str | None:
    """None when the page answered; else the status and the end of the exception."""
    if form.method == "post":
        values: dict[str, list[str]] = {}
        for name, value in data:
            values.setdefault(name, []).append(value)
        reply = client.post(form.action, {**values, **files})
    else:
        reply = client.get(form.action.split("?")[0], data)
    if reply.status_code < 500:
        return None
    exc_info = getattr(reply, "exc_info", None)
    frames = traceback.format_exception(*exc_info) if exc_info else []
    return f"{reply.status_code} " + "".join(frames[-3:])


def test_no_form_on_any_page_answers_bad_input_with_a_server_error() -> None:
    call_command("load_demo", scale=0.05, seed=3, stdout=open("/dev/null", "w"))  # noqa: SIM115
    failures: list[str] = []
    fuzzed: set[tuple[str, str, tuple[str, ...]]] = set()
    for username in USERS:
        client = Client(raise_request_exception=False)
        client.force_login(User.objects.get(username=username))
        found = crawl(client)
        failures += [f"{username}: {e}" for e in found.errors]
        for form in found.forms:
            if form.key() in fuzzed:
                continue  # another user had it; the scoping tests cover who may use it
            fuzzed.add(form.key())
            for label, data, files in _variants(form):
                error = _server_error(client, form, data, files)
                if error:
                    failures.append(f"{username} {form.method} {form.action} {label}: {error}")
    assert len(fuzzed) > 50  # the walk reached the forms, not just the home page
    assert not failures, "\n".join(failures[:10])
