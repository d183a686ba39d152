"""Pieces every API router shares: the error shapes, paging, and the caller."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Schema
from pydantic import Field

from shouwang.orgs.models import User


class ErrorOut(Schema):
    detail: str


class FieldErrorsOut(Schema):
    detail: dict[str, list[str]] = Field(
        description="messages per input field; `__all__` for errors of the request as a whole"
    )


ERRORS: dict[int, type[Schema]] = {
    400: ErrorOut,  # a body that is not JSON (or not the multipart form the endpoint takes)
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: FieldErrorsOut,
}


class PageIn(Schema):
    limit: int = Field(50, ge=1, le=200, description="rows per page (at most 200)")
    offset: int = Field(0, ge=0, le=1_000_000_000, description="rows to skip")


def responses(ok: int, schema: Any) -> dict[int, Any]:
    """An endpoint's documented answers: `schema` on success, the shared errors otherwise."""
    return {ok: schema, **ERRORS}


def api_user(request: HttpRequest) -> User:
    """The caller: the API's authenticators (token, session) always set a user."""
    user = getattr(request, "auth", None)
    assert isinstance(user, User), "the API's authenticators return users"
    return user
