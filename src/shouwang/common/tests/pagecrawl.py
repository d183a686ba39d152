"""Walk the pages a user reaches and collect the forms on them, for the page fuzz test.

The forms are read from the HTML the user is given, so a new form is fuzzed the day it
appears, without a list to keep up to date.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlparse

from django.test import Client

# Not pages: files, the API (fuzzed from its schema), the admin (Django's), signing out.
SKIP = re.compile(
    r"logout|^/static/|^/media/|\.(pdf|xlsx|csv|geojson|json)$|^/api/|^/admin/|^/i18n/"
)


@dataclass
class Field:
    name: str
    kind: str  # the input's type, or "select" / "textarea" / "submit"
    value: str | None  # None: an unchecked box, sent only when checked
    options: list[str] = field(default_factory=list)


@dataclass
class Form:
    method: str
    action: str
    page: str  # where the form was found
    fields: list[Field] = field(default_factory=list)

    def key(self) -> tuple[str, str, tuple[str, ...]]:
        return (self.method, pattern(self.action), tuple(sorted(f.name for f in self.fields)))


def pattern(path: str) -> str:
    """The path with its ids replaced, so that one form of each kind is enough."""
    return re.sub(r"/\d+(?=/|$)", "/N", urlparse(path).path)


class _Parser(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__()
        self.page = page
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._textarea: Field | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if a.get("hx-get") and tag != "form":
            self.links.append(a["hx-get"])  # a partial the page fetches: a page too
        if tag == "form":
            method = a.get("method") or ("post" if a.get("hx-post") else "get")
            action = a.get("action") or a.get("hx-post") or a.get("hx-get") or self.page
            self._form = Form(method.lower(), urljoin(self.page, action), self.page)
            self.forms.append(self._form)
        if tag == "option" and self._select is not None:
            value = a.get("value", "")
            self._select.options.append(value)
            if "selected" in a or self._select.value is None:
                self._select.value = value
        if self._form is None or not a.get("name"):
            return
        name = a["name"]
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            checked = kind not in ("checkbox", "radio") or "checked" in a
            value = a.get("value", "on" if kind in ("checkbox", "radio") else "")
            self._form.fields.append(Field(name, kind, value if checked else None, [value]))
        elif tag == "select":
            self._select = Field(name, "select", None)
            self._form.fields.append(self._select)
        elif tag == "textarea":
            self._textarea = Field(name, "textarea", "")
            self._form.fields.append(self._textarea)
        elif tag == "button":
            self._form.fields.append(Field(name, "submit", a.get("value", "")))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value = (self._textarea.value or "") + data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


@dataclass
class Crawl:
    pages: list[str] = field(default_factory=list)
    forms: list[Form] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # pages that answered 5xx


def crawl(client: Client, start: str = "/", *, max_pages: int = 400, per_pattern: int = 1) -> Crawl:
    """Breadth first over the links a user is shown: at most ``per_pattern`` pages of each
    kind (the same path with other ids, the same query with other values)."""
    found = Crawl()
    seen: dict[str, int] = {}
    forms: dict[tuple[str, str, tuple[str, ...]], Form] = {}
    queue = deque([start])
    visited: set[str] = set()
    while queue and len(found.pages) < max_pages:
        url = queue.popleft()
        if url in visited:
            continue
        visited.add(url)
        reply = client.get(url)
        found.pages.append(url)
        if reply.status_code >= 500:
            found.errors.append(f"GET {url}: {reply.status_code}")
        links = [reply["Location"]] if reply.status_code in (301, 302) else []
        parser = _Parser(url)
        if reply.get("Content-Type", "").startswith("text/html"):
            parser.feed(reply.content.decode("utf-8", "replace"))
        for href in links + parser.links:
            target = urlparse(urljoin(url, href))
            if target.netloc not in ("", "testserver") or SKIP.search(target.path):
                continue
            kind = (
                pattern(target.path) + "?" + ",".join(sorted(k for k, _ in parse_qsl(target.query)))
            )
            if seen.get(kind, 0) >= per_pattern:
                continue
            seen[kind] = seen.get(kind, 0) + 1
            queue.append(target.path + ("?" + target.query if target.query else ""))
        for form in parser.forms:
            if SKIP.search(urlparse(form.action).path) and "/export" not in form.action:
                continue
            forms.setdefault(form.key(), form)
    found.forms = list(forms.values())
    return found


def plausible(f: Field, now: datetime) -> str | None:
    """A value a person might type where the page left the field empty, so that a bad value
    in one field reaches past the others' "this field is required"."""
    if f.value is None or f.kind in ("checkbox", "radio", "hidden", "submit"):
        return f.value
    if f.kind == "select":
        return f.value or next((o for o in f.options if o), "")
    if f.value:
        return f.value
    name = f.name.lower()
    if f.kind == "date":
        return now.date().isoformat()
    if f.kind == "datetime-local":
        return now.strftime("%Y-%m-%dT%H:%M")
    if f.kind == "number" or any(w in name for w in ("amount", "count", "minutes")):
        return "100"
    if "phone" in name:
        return "13812345678"
    if "account" in name or "card" in name:
        return "6222021234567890123"
    return "测试"
