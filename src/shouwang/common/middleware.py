"""Refuse a request whose text holds a NUL character, before anything reads it.

PostgreSQL cannot store NUL in a text column and raises on a query that compares one, so a
query string such as ``?state=a%00`` was a server error there (SQLite took it). No form or
system sends NUL on purpose: the request is answered 400, JSON under /api/ and text elsewhere.
Checked: the path, the query string, cookies, the User-Agent (kept in the audit log), form
fields (never uploaded files, which may hold any byte) and JSON bodies."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _

# ``\u0000`` in JSON text, unless its backslash is itself escaped (``\\u0000`` is no NUL).
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def _holds_nul(request: HttpRequest) -> bool:
    texts = [request.path, request.META.get("HTTP_USER_AGENT", "")]
    texts += [v for _k, vs in request.GET.lists() for v in vs] + list(request.GET)
    texts += list(request.COOKIES.values())
    if request.content_type in _FORMS:
        texts += [v for _k, vs in request.POST.lists() for v in vs] + list(request.POST)
    if any("\x00" in t for t in texts):
        return True
    return request.content_type == "application/json" and bool(_JSON_NUL.search(request.body))


class RefuseNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _holds_nul(request):
            message = _("请求中含有空字符(NUL),无法处理。")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
