"""Questions about where units sit in the jurisdiction tree, answered from their paths."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import reduce
from operator import or_

from django.db.models import Q

from shouwang.orgs.choices import UnitKind
from shouwang.orgs.models import Unit


def under_any(field: str, paths: Iterable[str]) -> Q:
    """Rows whose tree path ``field`` (a unit's or a category's) lies under one of ``paths``;
    no rows when there are none. A prefix match, so the path index serves it."""
    return reduce(or_, (Q(**{f"{field}__startswith": p}) for p in paths), Q(pk__in=[]))


def deepest_of(units: Iterable[Unit]) -> Callable[[str], Unit | None]:
    """A function giving the deepest of `units` on a unit path (a unit is on its own path), or
    None. It looks each prefix of the path up in a dictionary, so the cost grows with the
    path's depth, not with the number of units."""
    by_path = {u.path: u for u in units}

    def deepest(path: str) -> Unit | None:
        found, prefix = None, "/"
        for code in path.split("/"):
            if code:
                prefix += f"{code}/"
                found = by_path.get(prefix, found)
        return found

    return deepest


def stations_over(units: Iterable[Unit]) -> dict[int, Unit]:
    """The police station each unit belongs to, in one query: unit pk -> the deepest station on
    its path. A station maps to itself; a unit above station level (a district, a city, a
    centre) or under no station is absent. Only the units' ``pk`` and ``path`` are read."""
    units = list(units)
    codes = {c for u in units for c in u.path.split("/") if c}
    if not codes:
        return {}
    deepest = deepest_of(Unit.objects.filter(code__in=codes, kind=UnitKind.STATION))
    return {u.pk: station for u in units if (station := deepest(u.path)) is not None}
