"""What every incident page needs: the user, the permission check, the unit it is about."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from shouwang.incidents.models import IncidentCategory
from shouwang.incidents.queries import access_unit, home_unit, may_view
from shouwang.orgs.models import Unit, User


def actor_of(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User), "views here are behind login_required"
    if not may_view(user):
        raise PermissionDenied
    return user


def chosen_unit(request: HttpRequest, user: User) -> Unit:
    """The unit named by ?unit= (404 when not the user's), else the user's own."""
    code = request.GET.get("unit", "").strip()
    if code:
        return access_unit(user, code)
    unit = home_unit(user)
    if unit is None:
        raise Http404
    return unit


def category_choices() -> list[dict[str, Any]]:
    return [
        {"code": c.code, "label": c.label, "depth": c.depth}
        for c in IncidentCategory.objects.order_by("path")
    ]
