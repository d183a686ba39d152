"""Where a likely victim's task goes: the person's grid (from a grid code on the event, or the
H3 cell of its address point), to the grid's worker; a grid with nobody goes to the officers of
its station. Among several, the one with the fewest open tasks gets it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import h3
from django.db.models import Count, Q

from shouwang.antifraud.warning.choices import TaskState
from shouwang.orgs.choices import Role, UnitKind
from shouwang.orgs.models import GRID_H3_RESOLUTION, GridCell, Unit, User
from shouwang.orgs.roles import Cap


def grid_of(data: Mapping[str, Any]) -> Unit | None:
    code = data.get("grid")
    if isinstance(code, str) and code:
        grid = Unit.objects.filter(code=code, kind=UnitKind.GRID).first()
        if grid is not None:
            return grid
    lat, lon = data.get("lat"), data.get("lon")
    if isinstance(lat, int | float) and isinstance(lon, int | float):
        try:
            cell = h3.latlng_to_cell(float(lat), float(lon), GRID_H3_RESOLUTION)
        except (ValueError, h3.H3BaseException):
            return None
        found = GridCell.objects.select_related("unit").filter(cell=str(cell)).first()
        return found.unit if found is not None else None
    return None


def _least_loaded(unit: Unit, roles: set[str] | None, exclude: User | None = None) -> User | None:
    people = User.objects.filter(unit=unit, is_active=True, organisation__isnull=True)
    if roles is not None:
        people = people.filter(role__in=roles)
    if exclude is not None:
        people = people.exclude(pk=exclude.pk)
    candidates = [u for u in people if u.can(Cap.WARNING_HANDLE)]
    if not candidates:
        return None
    from shouwang.antifraud.warning.models import WarningTask

    load = dict(
        WarningTask.objects.filter(assignee__in=candidates, state=TaskState.OPEN)
        .values("assignee")
        .annotate(n=Count("id", filter=Q(state=TaskState.OPEN)))
        .values_list("assignee", "n")
    )
    return min(candidates, key=lambda u: (load.get(u.pk, 0), u.pk))


def officer_for(grid: Unit) -> User | None:
    """The grid's worker, else an officer of the station above it."""
    worker = _least_loaded(grid, {Role.GRID_WORKER})
    if worker is not None:
        return worker
    station = station_of(grid)
    return _least_loaded(station, None) if station is not None else None


def station_of(unit: Unit) -> Unit | None:
    """The police station a unit belongs to (itself if it is one)."""
    if unit.kind == UnitKind.STATION:
        return unit
    return unit.ancestors().filter(kind=UnitKind.STATION).order_by("-depth").first()


def stand_in_for(unit: Unit, officer: User | None) -> User | None:
    """Another officer of the station above ``unit``, for a task ``officer`` let run late."""
    station = station_of(unit)
    return _least_loaded(station, None, exclude=officer) if station is not None else None
