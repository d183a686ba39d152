"""Grids the forecasts are made on: square cells in a projected CRS (metres), optionally masked.

A grid numbers its cells ``0 .. n_cells - 1``; ``active`` says which cells belong to the study
area. A forecast gives every cell a risk, and inactive cells always get 0, so that "the top cells"
and "the share of the area" are taken over active cells only.
"""

from __future__ import annotations

import math
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
import shapely

from .errors import InvalidGrid

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
Ring = list[tuple[float, float]]


class Grid(Protocol):
    """What models and metrics need from a grid (square or H3)."""

    @property
    def n_cells(self) -> int: ...

    @property
    def active(self) -> BoolArray: ...

    @property
    def cell_areas(self) -> FloatArray: ...

    @property
    def centres(self) -> tuple[FloatArray, FloatArray]: ...

    @property
    def cache(self) -> dict[Any, Any]: ...

    def cell_of(self, x: FloatArray, y: FloatArray) -> IntArray: ...

    def cell_bounds(self, i: int) -> tuple[float, float, float, float]: ...

    def cell_ring(self, i: int) -> Ring: ...


class SquareGrid:
    """``nx`` by ``ny`` square cells of side ``cell`` metres from the corner ``(x0, y0)``.

    Cell ``i`` is column ``i % nx`` and row ``i // nx``; rows go up in y. ``mask`` (a boolean
    array of ``nx * ny``) marks the cells of the study area; without it every cell is active.
    """

    def __init__(
        self,
        x0: float,
        y0: float,
        cell: float,
        nx: int,
        ny: int,
        mask: BoolArray | None = None,
    ) -> None:
        if not (math.isfinite(cell) and cell > 0):
            raise InvalidGrid("cell size must be positive", problem="cell", cell=cell)
        if nx < 1 or ny < 1:
            raise InvalidGrid("a grid needs at least one cell", problem="empty", nx=nx, ny=ny)
        self.x0, self.y0, self.cell = float(x0), float(y0), float(cell)
        self.nx, self.ny = int(nx), int(ny)
        if mask is None:
            active = np.ones(self.nx * self.ny, dtype=bool)
        else:
            active = np.asarray(mask, dtype=bool).ravel()
            if active.size != self.nx * self.ny:
                raise InvalidGrid(
                    "mask must have one value per cell",
                    problem="mask",
                    expected=self.nx * self.ny,
                    got=active.size,
                )
            if not active.any():
                raise InvalidGrid("the mask leaves no cell", problem="empty", nx=nx, ny=ny)
        self._active = active
        self._cache: dict[Any, Any] = {}

    @classmethod
    def covering(
        cls, x: FloatArray, y: FloatArray, cell: float = 150.0, margin: float = 0.0
    ) -> SquareGrid:
        """The smallest grid of ``cell``-metre squares covering the points (plus ``margin``)."""
        x = np.asarray(x, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        if x.size == 0:
            raise InvalidGrid("no points to cover", problem="empty", nx=0, ny=0)
        x0, y0 = float(x.min()) - margin, float(y.min()) - margin
        nx = math.floor((float(x.max()) + margin - x0) / cell) + 1
        ny = math.floor((float(y.max()) + margin - y0) / cell) + 1
        return cls(x0, y0, cell, nx, ny)

    @classmethod
    def inside(cls, area: shapely.Geometry, cell: float = 150.0) -> SquareGrid:
        """Cells of ``cell`` metres over a polygon's bounds; cells touching it are active."""
        xmin, ymin, xmax, ymax = area.bounds
        nx = math.floor((xmax - xmin) / cell) + 1
        ny = math.floor((ymax - ymin) / cell) + 1
        cols, rows = np.meshgrid(np.arange(nx), np.arange(ny))
        boxes = shapely.box(
            xmin + cols.ravel() * cell,
            ymin + rows.ravel() * cell,
            xmin + (cols.ravel() + 1) * cell,
            ymin + (rows.ravel() + 1) * cell,
        )
        shapely.prepare(area)
        mask = shapely.intersects(area, boxes)
        return cls(xmin, ymin, cell, nx, ny, mask=np.asarray(mask, dtype=bool))

    @property
    def n_cells(self) -> int:
        return self.nx * self.ny

    @property
    def active(self) -> BoolArray:
        return self._active

    @property
    def cache(self) -> dict[Any, Any]:
        """Per-grid memo of derived structures (neighbour kernels); a grid never changes."""
        return self._cache

    @property
    def cell_areas(self) -> FloatArray:
        return np.full(self.n_cells, self.cell * self.cell)

    @property
    def centres(self) -> tuple[FloatArray, FloatArray]:
        i = np.arange(self.n_cells)
        cx = self.x0 + (i % self.nx + 0.5) * self.cell
        cy = self.y0 + (i // self.nx + 0.5) * self.cell
        return cx.astype(np.float64), cy.astype(np.float64)

    def cell_of(self, x: FloatArray, y: FloatArray) -> IntArray:
        """Flat cell index of each point; -1 outside the grid or outside the mask."""
        col = np.floor((np.asarray(x, dtype=np.float64) - self.x0) / self.cell)
        row = np.floor((np.asarray(y, dtype=np.float64) - self.y0) / self.cell)
        inside = (col >= 0) & (col < self.nx) & (row >= 0) & (row < self.ny)
        flat = np.where(inside, row * self.nx + col, -1).astype(np.int64)
        flat[inside] = np.where(self._active[flat[inside]], flat[inside], -1)
        return flat

    def cell_bounds(self, i: int) -> tuple[float, float, float, float]:
        """``(xmin, ymin, xmax, ymax)`` of cell ``i`` in the grid's CRS."""
        if not 0 <= i < self.n_cells:
            raise IndexError(i)
        xmin = self.x0 + (i % self.nx) * self.cell
        ymin = self.y0 + (i // self.nx) * self.cell
        return xmin, ymin, xmin + self.cell, ymin + self.cell

    def cell_ring(self, i: int) -> Ring:
        """The cell's outline, counter-clockwise and closed (GeoJSON's exterior ring order)."""
        xmin, ymin, xmax, ymax = self.cell_bounds(i)
        return [(xmin, ymin), (xmax, ymin), (xmax, ymax), (xmin, ymax), (xmin, ymin)]
