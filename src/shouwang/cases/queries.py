"""Reads of cases, always scoped to the user."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from django.db.models import Q

from shouwang.cases.models import Case
from shouwang.orgs.choices import OrganisationKind
from shouwang.orgs.models import Organisation
from shouwang.orgs.scoping import for_user, units_for_user, user_covers_unit

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from shouwang.orgs.models import User

C = TypeVar("C", bound=Case)


def cases_for_user[C: Case](queryset: QuerySet[C], user: User) -> QuerySet[C]:
    """Police see their subtree; a responsible company sees only what is assigned to it."""
    return for_user(queryset, user, unit_field="unit", org_field="assignee_org")


def case_visible_to(user: User, case: Case) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_outside_party:
        return user.organisation_id is not None and case.assignee_org_id == user.organisation_id
    return user_covers_unit(user, case.unit)


def assignable_organisations(actor: User) -> QuerySet[Organisation]:
    """The outside parties a case can be handed to for rectification: companies and
    departments located in the actor's jurisdiction, or without a location (a city-wide
    department); never a bank or a carrier."""
    return Organisation.objects.filter(
        Q(unit__isnull=True) | Q(unit__in=units_for_user(actor)),
        kind__in=[OrganisationKind.COMPANY, OrganisationKind.DEPARTMENT],
    )
