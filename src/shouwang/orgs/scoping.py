"""Jurisdiction scoping: the one path by which every domain list is restricted to a user.

A police user sees rows whose unit lies in their unit's subtree. An outside party (a company,
a partner desk) sees only rows addressed to its organisation. Anything else sees nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from django.db.models import Model, Q, QuerySet

from shouwang.orgs.choices import Role, UnitKind
from shouwang.orgs.models import Unit

if TYPE_CHECKING:
    from shouwang.orgs.models import User

M = TypeVar("M", bound=Model)


def jurisdiction(user: User) -> Unit | None:
    """The unit whose subtree a police user covers: their own, except that a centre (the
    city's anti-fraud or command centre) works for the whole area of the unit above it."""
    unit = user.unit
    if unit is not None and unit.kind == UnitKind.CENTRE and unit.parent_id is not None:
        return unit.parent
    return unit


def units_for_user(user: User) -> QuerySet[Unit]:
    if not user.is_authenticated or not user.is_active:
        return Unit.objects.none()
    if user.is_superuser or (user.role == Role.ADMIN and user.unit_id is None):
        return Unit.objects.all()
    root = jurisdiction(user)
    if root is None:
        return Unit.objects.none()
    return Unit.objects.filter(path__startswith=root.path)


def unit_by_code(user: User, code: str) -> Unit | None:
    """A unit of the user's jurisdiction by its code; None for unknown and forbidden alike."""
    return units_for_user(user).filter(code=code).first() if code else None


def unit_choices(user: User) -> list[Unit]:
    """The units a user may pick in a form's select: the covered ones, without grids (too many
    for a select) and centres (they work for the unit above them)."""
    return list(
        units_for_user(user)
        .exclude(kind__in=[UnitKind.GRID, UnitKind.CENTRE])
        .only("code", "name", "depth")
        .order_by("path")
    )


def scope_q(user: User, *, unit_field: str = "unit", org_field: str | None = None) -> Q | None:
    """The filter that restricts a model to what `user` may see, or None for "everything".

    `unit_field` names the jurisdiction FK; `org_field` the FK to the organisation an outside
    party must match (omit it for models outside parties never see).
    """
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.is_outside_party:
        if org_field is None or user.organisation_id is None:
            return Q(pk__in=[])
        return Q(**{f"{org_field}_id": user.organisation_id})
    if user.is_superuser or (user.role == Role.ADMIN and user.unit_id is None):
        return None
    root = jurisdiction(user)
    if root is None:
        return Q(pk__in=[])
    return Q(**{f"{unit_field}__path__startswith": root.path})


def for_user[M: Model](
    queryset: QuerySet[M], user: User, *, unit_field: str = "unit", org_field: str | None = None
) -> QuerySet[M]:
    q = scope_q(user, unit_field=unit_field, org_field=org_field)
    return queryset if q is None else queryset.filter(q)


def user_covers_unit(user: User, unit: Unit) -> bool:
    """Whether `unit` lies inside the jurisdiction of police user `user`."""
    if not user.is_authenticated or not user.is_active or user.is_outside_party:
        return False
    if user.is_superuser or (user.role == Role.ADMIN and user.unit_id is None):
        return True
    root = jurisdiction(user)
    return root is not None and unit.path.startswith(root.path)
