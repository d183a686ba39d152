"""The naive maps: what happened is what will happen."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from .counts import cell_counts
from .events import Events
from .grid import Grid

FloatArray = npt.NDArray[np.float64]


def last_period(
    history: Events, grid: Grid, start: np.datetime64, horizon: np.timedelta64
) -> FloatArray:
    """Counts of the last window of the same length as the forecast's, just before ``start``."""
    return cell_counts(history.between(start - horizon, start), grid)


def all_past(
    history: Events, grid: Grid, start: np.datetime64, horizon: np.timedelta64
) -> FloatArray:
    """Counts of all past events, scaled to the expected count in one window of ``horizon``."""
    counts = cell_counts(history, grid)
    if len(history) == 0:
        return counts
    span = (start - history.t.min()) / np.timedelta64(1, "s")
    return counts * float(horizon / np.timedelta64(1, "s")) / max(float(span), 1.0)
