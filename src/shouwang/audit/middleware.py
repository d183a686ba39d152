from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from shouwang.audit.context import Origin, reset_origin, set_origin


class RequestContextMiddleware:
    """Records the client address and channel of each request for the audit log."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        channel = "api" if request.path.startswith("/api/") else "web"
        origin = Origin(
            ip=request.META.get("REMOTE_ADDR", ""),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
            channel=channel,
        )
        token = set_origin(origin)
        try:
            return self.get_response(request)
        finally:
            reset_origin(token)
