"""The unit dashboard: what a station or district found, closed and let run overdue."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from shouwang.hazards import stats
from shouwang.hazards.queries import hazards_for_user
from shouwang.orgs.models import Unit
from shouwang.orgs.roles import Cap
from shouwang.orgs.scoping import units_for_user

if TYPE_CHECKING:
    from shouwang.orgs.models import User

WEEK_CHOICES = (4, 8, 12, 26, 52)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert user.is_authenticated
    return user


def _chosen_unit(user: User, code: str) -> Unit:
    """The unit asked for, if it lies in the user's subtree; else the user's own unit. 404 for
    a unit outside the jurisdiction, the same as for a code that does not exist."""
    visible = units_for_user(user)
    if code:
        unit = visible.filter(code=code).first()
    elif user.unit is not None:
        unit = user.unit
    else:
        # Administrators without a unit start at the top of the tree.
        unit = visible.filter(parent__isnull=True).order_by("path").first()
    if unit is None:
        raise Http404
    return unit


def _weeks(request: HttpRequest) -> int:
    raw = request.GET.get("weeks", "").strip()
    if not raw:
        return stats.DEFAULT_WEEKS
    if raw.isdigit() and 1 <= int(raw) <= stats.MAX_WEEKS:
        return int(raw)
    messages.error(
        request,
        _("参数 weeks(周数)必须是 1 到 %(max)d 之间的整数,已按 %(default)d 周统计。")
        % {"max": stats.MAX_WEEKS, "default": stats.DEFAULT_WEEKS},
    )
    return stats.DEFAULT_WEEKS


def _breadcrumbs(user: User, unit: Unit) -> list[Unit]:
    """The unit's ancestors the user may open, top first (a station chief stops at the station)."""
    return list(units_for_user(user).filter(pk__in=unit.ancestors()).order_by("depth"))


def _chart_data(board: stats.Dashboard) -> dict[str, Any]:
    return {
        "weeks": [p.label for p in board.trend],
        "mondays": [p.monday for p in board.trend],
        "found": [p.found for p in board.trend],
        "closed": [p.closed for p in board.trend],
        "labels": {"found": _("发现"), "closed": _("销号")},
    }


@login_required
@require_GET
def unit_dashboard(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not user.can(Cap.UNIT_DASHBOARD) or user.is_outside_party:
        raise Http404
    unit = _chosen_unit(user, request.GET.get("unit", "").strip())
    weeks = _weeks(request)
    board = stats.unit_dashboard(hazards_for_user(user), unit, weeks=weeks)
    context = {
        "board": board,
        "totals": board.totals,
        "unit": unit,
        "weeks": weeks,
        "week_choices": sorted({*WEEK_CHOICES, weeks}),
        "breadcrumbs": _breadcrumbs(user, unit),
        "chart_data": _chart_data(board),
        "since_date": board.since.date().isoformat(),
        "laggard": _laggard(board.children),
    }
    return render(request, "hazards/dashboard.html", context)


def _laggard(rows: list[stats.UnitRow]) -> stats.UnitRow | None:
    """The child unit to point out: the lowest 化解率 among those that found anything."""
    ranked = [r for r in rows if r.unit is not None and r.found and r.rate is not None]
    return ranked[-1] if len(ranked) > 1 else None


urlpatterns: list[URLPattern] = [
    path("dashboard/", unit_dashboard, name="unit-dashboard"),
]
