"""How API callers prove who they are: a bearer token for systems, the session for browsers."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import APIKeyCookie, HttpBearer

from shouwang.orgs.models import ApiToken, User

TOKEN_PREFIX = "sw_"  # noqa: S105 - a marker that makes leaked tokens easy to scan for


def hash_token(raw: str) -> str:
    # Tokens carry 256 random bits, so an unsalted SHA-256 cannot be brute-forced; a
    # deterministic hash lets the lookup be one indexed equality match.
    return hashlib.sha256(raw.encode()).hexdigest()


def new_token_value() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`; revoked tokens and inactive users are refused."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        found = (
            ApiToken.objects.select_related("user", "user__unit", "user__organisation")
            .filter(key_hash=hash_token(token), revoked_at__isnull=True)
            .first()
        )
        if found is None or not found.user.is_active:
            return None
        now = timezone.now()
        # "Last used" to the minute is enough to spot idle tokens; writing it on every call
        # would put a write (and a commit) in front of every read a partner system makes.
        if found.last_used_at is None or now - found.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        return found.user


class SessionAuth(APIKeyCookie):
    """The browser's login session, with Django's CSRF check on unsafe methods.

    Unlike ninja's `django_auth`, the CSRF check runs only once a session user exists: an
    anonymous caller is told 401 (log in first) rather than a misleading CSRF 403.
    """

    param_name: str = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        if isinstance(user, User) and user.is_authenticated and user.is_active:
            return user
        return None


session_auth = SessionAuth()
