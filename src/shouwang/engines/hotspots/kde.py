"""Retrospective kernel density: every past event spread by a Gaussian over nearby cells."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from . import kernels
from .counts import cell_counts
from .events import Events
from .grid import Grid

FloatArray = npt.NDArray[np.float64]

BANDWIDTH = 200.0  # metres


def retrospective(
    history: Events,
    grid: Grid,
    start: np.datetime64,
    horizon: np.timedelta64,
    bandwidth: float = BANDWIDTH,
) -> FloatArray:
    """Density of all past events; each event weighs the same however old it is."""
    return kernels.spread(kernels.gaussian(grid, bandwidth), cell_counts(history, grid))
