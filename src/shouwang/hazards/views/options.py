"""The search behind the hazard forms' long selects (`common.search_select`): premises in the
registration, edit and campaign check forms; companies, units and officers in the assignment.

Each endpoint builds the same form the page shows for the same user, so the matches are
exactly what that form would accept and are labelled as its select labels them.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET

from shouwang.common.search_select import search_options
from shouwang.hazards.queries import access_campaign
from shouwang.hazards.views.campaigns import CheckForm
from shouwang.hazards.views.forms import AssignForm, RegisterForm
from shouwang.orgs.models import User
from shouwang.orgs.roles import Cap


def _police(request: HttpRequest, cap: Cap) -> User:
    """The user, when they are police with ``cap``; anyone else finds nothing here."""
    actor = request.user
    assert isinstance(actor, User), "behind login_required"
    if not actor.can(cap) or actor.is_outside_party:
        raise Http404
    return actor


@login_required
@require_GET
def premises_options(request: HttpRequest) -> HttpResponse:
    """Premises the user may pick: any of their jurisdiction, or in a campaign's check form
    (``?campaign=``) that campaign's premises not checked yet."""
    actor = _police(request, Cap.HAZARD_VIEW)
    campaign_id = request.GET.get("campaign", "")
    if not campaign_id:
        return search_options(request, RegisterForm(actor=actor).fields["premises"])
    if not campaign_id.isdecimal():
        raise Http404
    campaign = access_campaign(actor, int(campaign_id))
    return search_options(request, CheckForm(campaign=campaign, user=actor).fields["premises"])


@login_required
@require_GET
def assign_options(request: HttpRequest, name: str) -> HttpResponse:
    """Companies, units or officers the user may assign a hazard to."""
    fields = AssignForm(actor=_police(request, Cap.HAZARD_MANAGE)).fields
    if name not in ("organisation", "unit", "user"):
        raise Http404
    return search_options(request, fields[name])


@login_required
@require_GET
def register_grids(request: HttpRequest) -> HttpResponse:
    """Grids a hazard may be registered in, for the registration and edit forms."""
    actor = _police(request, Cap.HAZARD_VIEW)
    return search_options(request, RegisterForm(actor=actor).fields["unit"])


urlpatterns: list[URLPattern] = [
    path("grids/options/", register_grids, name="register-grids"),
    path("premises/options/", premises_options, name="premises-options"),
    path("assign/options/<str:name>/", assign_options, name="assign-options"),
]
