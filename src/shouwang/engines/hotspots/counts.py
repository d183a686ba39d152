"""Counting events per cell: the one place that turns points into cell totals."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from .events import Events
from .grid import Grid

FloatArray = npt.NDArray[np.float64]


def cell_counts(events: Events, grid: Grid, weights: FloatArray | None = None) -> FloatArray:
    """Events (or their weights) summed per cell; points outside the active cells are dropped."""
    cells = grid.cell_of(events.x, events.y)
    inside = cells >= 0
    w = None if weights is None else np.asarray(weights, dtype=np.float64)[inside]
    return np.bincount(cells[inside], weights=w, minlength=grid.n_cells).astype(np.float64)
