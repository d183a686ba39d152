"""Reads of the incidents app: scoped lists and 404-for-forbidden accessors."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.http import Http404

from shouwang.incidents.models import DutyDecision, ImportMapping, Incident, ScheduledEvent
from shouwang.orgs.choices import UnitKind
from shouwang.orgs.models import Unit
from shouwang.orgs.roles import Cap
from shouwang.orgs.scoping import for_user, unit_by_code, units_for_user

if TYPE_CHECKING:
    from shouwang.orgs.models import User


def may_view(user: User) -> bool:
    return user.is_authenticated and user.can(Cap.INCIDENT_VIEW) and not user.is_outside_party


def incidents_for_user(user: User) -> QuerySet[Incident]:
    if not may_view(user):
        return Incident.objects.none()
    return for_user(Incident.objects.all(), user)


def access_incident(user: User, incident_id: int) -> Incident:
    """The incident if `user` may see it; 404 for missing and forbidden alike."""
    found = (
        incidents_for_user(user).select_related("category", "unit").filter(pk=incident_id).first()
    )
    if found is None:
        raise Http404
    return found


def mappings_for_user(user: User) -> QuerySet[ImportMapping]:
    """Mappings of the user's subtree and of the units above it: a city's mapping of the 110
    system serves every station that imports from it."""
    if not user.is_authenticated or not user.can(Cap.INCIDENT_IMPORT) or user.is_outside_party:
        return ImportMapping.objects.none()
    scoped = for_user(ImportMapping.objects.all(), user)
    if user.unit is None:
        return scoped
    return ImportMapping.objects.filter(
        Q(pk__in=scoped.values("pk")) | Q(unit__in=user.unit.ancestors())
    )


def access_mapping(user: User, mapping_id: int) -> ImportMapping:
    found = mappings_for_user(user).filter(pk=mapping_id).first()
    if found is None:
        raise Http404
    return found


def events_for_user(user: User) -> QuerySet[ScheduledEvent]:
    if not may_view(user):
        return ScheduledEvent.objects.none()
    return for_user(ScheduledEvent.objects.all(), user).select_related("unit")


def decisions_for_user(user: User) -> QuerySet[DutyDecision]:
    if not may_view(user):
        return DutyDecision.objects.none()
    return for_user(DutyDecision.objects.all(), user).select_related("unit", "decided_by")


def stations_for_user(user: User) -> QuerySet[Unit]:
    """The stations (派出所) a user may see: the units that get duty levels and patrol areas."""
    if not may_view(user):
        return Unit.objects.none()
    return units_for_user(user).filter(kind=UnitKind.STATION).order_by("path")


def access_unit(user: User, code: str) -> Unit:
    """A unit of the user's jurisdiction by code; 404 for unknown and forbidden alike."""
    if not may_view(user):
        raise Http404
    found = unit_by_code(user, code)
    if found is None:
        raise Http404
    return found


def home_unit(user: User) -> Unit | None:
    """Where a user's pages start: their own unit, or the top of the tree for a city-wide
    administrator."""
    if user.unit is not None:
        return user.unit
    return units_for_user(user).order_by("depth", "path").first()
