"""Prospective hotspotting (Bowers, Johnson and Pease 2004).

Risk near recent events is raised for a short time: each event within ``radius`` metres and
``weeks`` weeks before the start adds ``1 / (1 + d) * 1 / (1 + w)``, with ``d`` the distance in
cells and ``w`` the number of whole weeks since the event.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from . import kernels
from .counts import cell_counts
from .events import Events
from .grid import Grid

FloatArray = npt.NDArray[np.float64]

RADIUS = 400.0  # metres
WEEKS = 8

WEEK_SECONDS = 7 * 86400


def prospective(
    history: Events,
    grid: Grid,
    start: np.datetime64,
    horizon: np.timedelta64,
    radius: float = RADIUS,
    weeks: int = WEEKS,
) -> FloatArray:
    """Sum of space-time-decayed weights of the last ``weeks`` weeks' events."""
    recent = history.between(start - np.timedelta64(weeks * WEEK_SECONDS, "s"), start)
    age_weeks = ((start - recent.t) / np.timedelta64(1, "s")) // WEEK_SECONDS
    weights = 1.0 / (1.0 + age_weeks.astype(np.float64))
    return kernels.spread(
        kernels.inverse_distance(grid, radius), cell_counts(recent, grid, weights)
    )
