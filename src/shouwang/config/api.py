"""The typed API under /api/v1/. Each app contributes a ninja Router.

Every 422 has one shape, `{"detail": {"<field>": ["message", ...]}}`, whether the request
failed schema parsing (ninja) or an action's checks (Django's ValidationError), so a client
shows errors next to its fields with one piece of code.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import ValidationError as SchemaError
from ninja.renderers import JSONRenderer

from shouwang.antifraud.api import router as antifraud_router
from shouwang.antifraud.warning.api import router as warning_router
from shouwang.common.errors import NotPermitted
from shouwang.hazards.api import router as hazards_router
from shouwang.incidents.api import router as incidents_router
from shouwang.notices.api import router as notices_router
from shouwang.orgs.api_auth import TokenAuth, session_auth


class _Utf8Renderer(JSONRenderer):
    # Chinese as characters, not \uXXXX escapes: readable in curl and logs, and smaller.
    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="Shouwang API",
    version="1",
    description=(
        "守望 public-safety operations platform. Authenticate with `Authorization: Bearer "
        "<token>` (systems) or the login session plus the CSRF header (browsers). "
        "See docs/api.md."
    ),
    urls_namespace="api",
    auth=[TokenAuth(), session_auth],
    renderer=_Utf8Renderer(),
)
api.add_router("/hazards/", hazards_router)
api.add_router("/antifraud/trace/", "shouwang.antifraud.tracing.api.router")
api.add_router("/antifraud/warnings/", warning_router)
api.add_router("/antifraud/", antifraud_router)
api.add_router("/incidents/", incidents_router)
api.add_router("/notices/", notices_router)

# Where ninja says a value came from; the caller knows the field by its own name only.
_SOURCES = {"body", "query", "path", "form", "file", "header", "cookie"}
_PARAMS = {"payload", "filters", "page"}


def _field_name(loc: Sequence[Any]) -> str:
    parts = [str(p) for p in loc if not isinstance(p, int)]
    if parts and parts[0] in _SOURCES:
        parts = parts[1:]
    if len(parts) > 1 and parts[0] in _PARAMS:
        parts = parts[1:]
    return ".".join(parts) or "__all__"


@api.exception_handler(SchemaError)
def _schema_error(request: HttpRequest, exc: SchemaError) -> HttpResponse:
    detail: dict[str, list[str]] = {}
    for error in exc.errors:
        detail.setdefault(_field_name(error.get("loc", ())), []).append(str(error.get("msg", "")))
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    detail = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(NotPermitted)
def _not_permitted(request: HttpRequest, exc: NotPermitted) -> HttpResponse:
    return api.create_response(request, {"detail": _("无权执行此操作。")}, status=403)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": _("未找到。")}, status=404)


@csrf_exempt  # the API's views check their own callers; a POST here must not meet the pages' check
def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Any other address under /api/v1/ (an id that is not a number, a path that does not
    exist): the API's own 404, JSON like every other answer, not the pages' HTML."""
    return api.create_response(request, {"detail": _("未找到。")}, status=404)
