"""A study set-up from plain options: the grid for a set of events (square or H3, masked or not)."""

from __future__ import annotations

import shapely

from .events import Events
from .grid import Grid, SquareGrid
from .h3grid import H3Grid
from .projection import Projection


def study_grid(
    events: Events,
    projection: Projection,
    *,
    cell: float = 150.0,
    boundary: shapely.Geometry | None = None,
    h3_resolution: int | None = None,
) -> Grid:
    """H3 cells when a resolution is given, else squares of ``cell`` metres; within ``boundary``."""
    if h3_resolution is not None:
        if boundary is not None and isinstance(boundary, shapely.Polygon):
            return H3Grid.inside(boundary, h3_resolution, projection)
        return H3Grid.covering(events.x, events.y, h3_resolution, projection)
    if boundary is not None:
        return SquareGrid.inside(boundary, cell)
    return SquareGrid.covering(events.x, events.y, cell)
