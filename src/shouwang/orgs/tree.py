"""Questions about where units sit in the jurisdiction tree, answered from their paths."""

from __future__ import annotations

from collections.abc import Iterable

from shouwang.orgs.choices import UnitKind
from shouwang.orgs.models import Unit


def stations_over(units: Iterable[Unit]) -> dict[int, Unit]:
    """The police station each unit belongs to, in one query: unit pk -> the deepest station on
    its path. A station maps to itself; a unit above station level (a district, a city, a
    centre) or under no station is absent. Only the units' ``pk`` and ``path`` are read."""
    units = list(units)
    codes = {c for u in units for c in u.path.split("/") if c}
    if not codes:
        return {}
    stations = {s.code: s for s in Unit.objects.filter(code__in=codes, kind=UnitKind.STATION)}
    found: dict[int, Unit] = {}
    for unit in units:
        # Paths run from the root down, so the last station met is the deepest.
        for code in unit.path.split("/"):
            if code in stations:
                found[unit.pk] = stations[code]
    return found
