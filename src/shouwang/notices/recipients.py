"""Who is told: the people in charge of a unit, the desk or the staff of an organisation."""

from __future__ import annotations

from django.db.models import Q

from shouwang.orgs.choices import UnitKind
from shouwang.orgs.models import Organisation, Unit, User
from shouwang.orgs.roles import Cap


def in_charge_of(unit: Unit, cap: Cap) -> list[User]:
    """Active police users holding ``cap`` whose jurisdiction is ``unit`` itself: its own staff,
    and for a city the staff of its centres (a centre works for the unit above it)."""
    users = User.objects.filter(is_active=True).filter(
        Q(unit=unit) | Q(unit__parent=unit, unit__kind=UnitKind.CENTRE)
    )
    return [u for u in users.order_by("pk") if not u.is_outside_party and u.can(cap)]


def desks_of(organisation_ids: set[int]) -> list[User]:
    """The desk officers of these partner organisations, in one query."""
    users = User.objects.filter(is_active=True, organisation_id__in=organisation_ids)
    return [u for u in users.order_by("pk") if u.is_outside_party and u.can(Cap.PARTNER_ANSWER)]


def staff_of(organisation: Organisation, cap: Cap | None) -> list[User]:
    """The active staff of an outside organisation holding ``cap`` (all of them when ``cap`` is
    None): the people who rectify a case handed to the organisation."""
    users = User.objects.filter(organisation=organisation, is_active=True)
    return [u for u in users.order_by("pk") if cap is None or u.can(cap)]
