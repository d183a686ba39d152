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
    """Density of all past events, in expected incidents over ``horizon``.

    Each event weighs the same however old it is; its kernel is normalised over the active cells
    so that no incident is lost at the study area's edge.
    """
    kernel = kernels.gaussian(grid, bandwidth)
    mass = np.asarray(kernel.sum(axis=0)).ravel()
    counts = cell_counts(history, grid)
    spread = kernels.spread(
        kernel, np.divide(counts, mass, out=np.zeros_like(counts), where=mass > 0)
    )
    if len(history) == 0:
        return spread
    span = max(float((start - history.t.min()) / np.timedelta64(1, "s")), 1.0)
    risk: FloatArray = spread * float(horizon / np.timedelta64(1, "s")) / span
    return risk
