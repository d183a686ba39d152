"""The typed API under /api/v1/. Each app contributes a ninja Router."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.security import django_auth

from shouwang.common.errors import NotPermitted
from shouwang.hazards.api import router as hazards_router
from shouwang.orgs.api_auth import TokenAuth

api = NinjaAPI(
    title="Shouwang API",
    version="1",
    description="守望 public-safety operations platform",
    urls_namespace="api",
    auth=[TokenAuth(), django_auth],
)
api.add_router("/hazards/", hazards_router)


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    detail = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(NotPermitted)
def _not_permitted(request: HttpRequest, exc: NotPermitted) -> HttpResponse:
    return api.create_response(request, {"detail": "forbidden"}, status=403)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": "not found"}, status=404)
