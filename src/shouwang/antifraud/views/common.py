"""Helpers the anti-fraud pages share."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest

from shouwang.orgs.models import User
from shouwang.orgs.roles import Cap


def actor_of(request: HttpRequest, *caps: Cap) -> User:
    """The signed-in user, who must hold one of `caps` (403 otherwise)."""
    user = request.user
    assert isinstance(user, User)
    if caps and not any(user.can(cap) for cap in caps):
        raise PermissionDenied
    return user


def error_dict(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {
            key: [str(m) for m in ValidationError(errs).messages]
            for key, errs in exc.error_dict.items()
        }
    return {"__all__": [str(m) for m in exc.messages]}
