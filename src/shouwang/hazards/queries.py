"""Reads of the hazard register: scoped lists and the 404-for-forbidden accessor."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.http import Http404

from shouwang.cases.queries import case_visible_to, cases_for_user
from shouwang.hazards.models import Campaign, Hazard, Premises
from shouwang.orgs.roles import Cap
from shouwang.orgs.scoping import for_user, scope_q

if TYPE_CHECKING:
    from shouwang.orgs.models import User


def hazards_for_user(user: User) -> QuerySet[Hazard]:
    if not user.is_authenticated or not user.can(Cap.HAZARD_VIEW):
        return Hazard.objects.none()
    return cases_for_user(Hazard.objects.all(), user)


def access_hazard(user: User, hazard_id: int) -> Hazard:
    """The hazard if `user` may see it; 404 for missing and forbidden alike."""
    hazard = (
        Hazard.objects.select_related("unit", "assignee_unit", "assignee_user", "assignee_org")
        .filter(pk=hazard_id)
        .first()
    )
    if hazard is None or not user.can(Cap.HAZARD_VIEW) or not case_visible_to(user, hazard):
        raise Http404
    return hazard


def campaigns_for_user(user: User) -> QuerySet[Campaign]:
    """Campaigns organised inside the user's subtree, and those whose scope covers any of it:
    a grid worker records checks in a campaign organised by the station or district above."""
    if not user.is_authenticated or user.is_outside_party or not user.can(Cap.HAZARD_VIEW):
        return Campaign.objects.none()
    organised = scope_q(user)
    if organised is None or user.unit is None:
        return for_user(Campaign.objects.all(), user)
    covering = Q(scope_units__path__startswith=user.unit.path) | Q(
        scope_units__in=user.unit.ancestors()
    )
    visible = Campaign.objects.filter(organised | covering).values("pk")
    return Campaign.objects.filter(pk__in=visible)


def access_campaign(user: User, campaign_id: int) -> Campaign:
    campaign = campaigns_for_user(user).filter(pk=campaign_id).first()
    if campaign is None:
        raise Http404
    return campaign


def premises_for_user(user: User) -> QuerySet[Premises]:
    if not user.is_authenticated or user.is_outside_party or not user.can(Cap.HAZARD_VIEW):
        return Premises.objects.none()
    return for_user(Premises.objects.all(), user)


def access_premises(user: User, premises_id: int) -> Premises:
    premises = premises_for_user(user).filter(pk=premises_id).first()
    if premises is None:
        raise Http404
    return premises
