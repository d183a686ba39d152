"""Grids of H3 hexagons for data that comes in WGS-84.

The models work in metres, so an H3 grid holds the projection of its events: ``cell_of`` takes
metric coordinates, turns them back to longitude and latitude and asks H3 for the cell. Cell
centres and outlines are projected to the same metres, so kernels and GeoJSON work as for squares.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import h3
import numpy as np
import shapely

from .errors import InvalidGrid
from .grid import BoolArray, FloatArray, IntArray, Ring
from .projection import Projection


class H3Grid:
    """The given H3 cells (one resolution), numbered in the order given; all are active."""

    def __init__(self, cells: Iterable[str], projection: Projection) -> None:
        self.cells: list[str] = list(dict.fromkeys(cells))
        if not self.cells:
            raise InvalidGrid("an H3 grid needs at least one cell", problem="empty", nx=0, ny=0)
        resolutions = {h3.get_resolution(c) for c in self.cells}
        if len(resolutions) != 1:
            raise InvalidGrid("H3 cells of mixed resolutions", problem="resolution")
        self.resolution = resolutions.pop()
        self.projection = projection
        self._index = {c: i for i, c in enumerate(self.cells)}
        lat, lon = np.array([h3.cell_to_latlng(c) for c in self.cells]).T
        self._centres = projection.to_metres_from_lonlat(lon, lat)
        self._areas = np.array([h3.cell_area(c, "m^2") for c in self.cells], dtype=np.float64)
        self._active = np.ones(len(self.cells), dtype=bool)
        self._cache: dict[Any, Any] = {}

    @classmethod
    def covering(
        cls, x: FloatArray, y: FloatArray, resolution: int, projection: Projection, rings: int = 1
    ) -> H3Grid:
        """The cells holding the points and ``rings`` rings of neighbours around them."""
        lon, lat = projection.to_lonlat(x, y)
        seen = {h3.latlng_to_cell(b, a, resolution) for a, b in zip(lon, lat, strict=True)}
        cells = {n for c in seen for n in h3.grid_disk(c, rings)}
        return cls(sorted(cells), projection)

    @classmethod
    def inside(cls, area: shapely.Polygon, resolution: int, projection: Projection) -> H3Grid:
        """Cells whose centre lies in the polygon (given in the projection's metres)."""
        xs, ys = np.asarray(area.exterior.coords).T
        lon, lat = projection.to_lonlat(xs, ys)
        shape = h3.LatLngPoly(list(zip(lat.tolist(), lon.tolist(), strict=True)))
        return cls(sorted(h3.polygon_to_cells(shape, resolution)), projection)

    @property
    def n_cells(self) -> int:
        return len(self.cells)

    @property
    def active(self) -> BoolArray:
        return self._active

    @property
    def cache(self) -> dict[Any, Any]:
        return self._cache

    @property
    def cell_areas(self) -> FloatArray:
        return self._areas

    @property
    def centres(self) -> tuple[FloatArray, FloatArray]:
        return self._centres

    def cell_of(self, x: FloatArray, y: FloatArray) -> IntArray:
        """Index of each point's hexagon in this grid; -1 when the hexagon is not in the grid."""
        lon, lat = self.projection.to_lonlat(x, y)
        res = self.resolution
        found = (
            self._index.get(h3.latlng_to_cell(b, a, res), -1)
            for a, b in zip(lon.tolist(), lat.tolist(), strict=True)
        )
        return np.fromiter(found, dtype=np.int64, count=lon.size)

    def cell_lonlat_ring(self, i: int) -> Ring:
        """The hexagon's outline in longitude/latitude, counter-clockwise and closed."""
        ring = [(lon, lat) for lat, lon in h3.cell_to_boundary(self.cells[i])]
        ring.append(ring[0])
        if shapely.Polygon(ring).exterior.is_ccw:
            return ring
        return ring[::-1]

    def cell_ring(self, i: int) -> Ring:
        lon, lat = np.array(self.cell_lonlat_ring(i)).T
        x, y = self.projection.to_metres_from_lonlat(lon, lat)
        return list(zip(x.tolist(), y.tolist(), strict=True))

    def cell_bounds(self, i: int) -> tuple[float, float, float, float]:
        xs, ys = np.array(self.cell_ring(i)).T
        return float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max())
