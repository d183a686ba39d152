"""Locating a point in the grid tree."""

from __future__ import annotations

import h3

from shouwang.orgs.models import GRID_H3_RESOLUTION, GridCell, Unit


def valid_lat_lon(lat: float, lon: float) -> bool:
    return -90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0


def cell_of(lat: float, lon: float, resolution: int = GRID_H3_RESOLUTION) -> str:
    return str(h3.latlng_to_cell(lat, lon, resolution))


def grid_at(lat: float, lon: float) -> Unit | None:
    """The grid whose H3 cells contain the point, if any."""
    found = GridCell.objects.filter(cell=cell_of(lat, lon)).select_related("unit").first()
    return found.unit if found else None
