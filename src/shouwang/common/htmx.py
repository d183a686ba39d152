"""One helper decides whether a view renders its full page or only the fragment HTMX asked for."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )


def render_page_or_partial(
    request: HttpRequest, page: str, partial: str, context: dict[str, Any]
) -> HttpResponse:
    return render(request, partial if is_htmx(request) else page, context)
