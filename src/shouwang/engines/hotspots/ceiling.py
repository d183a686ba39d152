"""How much any forecast could gain over the all-past map: two hindsight ceilings.

A goal such as "10% more incidents caught than the naive map of all past counts" can be out of
reach on a given set, whatever the model. These diagnostics bound the gain from above by
letting a ranking see the evaluated windows themselves, so they are NOT forecasts and are never
registered in ``forecast()``:

* ``interleaved``: each window is ranked by all past counts plus the counts of the evaluated
  windows of the other parity (every other window, future ones included). Half of the evaluated
  year's incidents are then known, which is far more than any forecast knows of the current
  rates;
* ``hindsight_blend``: the blend's candidate weightings scored on the evaluated windows; the
  best of them is what choosing the blend's weights on the test weeks would have given.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from . import blend
from .counts import cell_counts
from .events import Events
from .grid import Grid
from .metrics import top_cells

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Interleaved:
    """Per window: incidents caught by the all-past map and by the interleaved oracle."""

    naive: FloatArray
    oracle: FloatArray


@dataclass(frozen=True)
class Hindsight:
    """Per window and candidate weighting (columns, row 0 of the weights = all-past alone)."""

    caught: FloatArray  # windows x candidates
    weights: FloatArray  # candidates x components

    @property
    def best(self) -> int:
        """The candidate that caught most over all windows (the all-past map wins ties)."""
        return int(np.argmax(self.caught.sum(axis=0)))


def interleaved(
    events: Events, grid: Grid, starts: Sequence[np.datetime64], horizon: np.timedelta64, k: int
) -> Interleaved:
    """Hits at ``k`` cells of the all-past map and of the interleaved oracle, window by window."""
    windows = [cell_counts(events.between(s, s + horizon), grid) for s in starts]
    by_parity = [sum(windows[p::2], np.zeros(grid.n_cells)) for p in (0, 1)]
    naive, oracle = [], []
    for i, start in enumerate(starts):
        past = cell_counts(events.before(start), grid)
        actual = windows[i]
        naive.append(actual[top_cells(past, grid, k)].sum())
        known = past + by_parity[1 - i % 2]
        oracle.append(actual[top_cells(known, grid, k)].sum())
    return Interleaved(np.array(naive, dtype=np.float64), np.array(oracle, dtype=np.float64))


def hindsight_blend(
    events: Events, grid: Grid, starts: Sequence[np.datetime64], horizon: np.timedelta64, k: int
) -> Hindsight:
    """Hits at ``k`` cells of every blend candidate in every window."""
    caught = [blend.candidate_catches(events, grid, start, horizon, k) for start in starts]
    return Hindsight(np.array(caught, dtype=np.float64), blend.candidate_weights())
