"""How good a forecast was: PAI, hit rate and PEI at a flagged area.

The flagged cells are the top-risk active cells whose total area does not exceed the budget
(ties broken by cell index so that results are reproducible). PAI = (n/N) / (a/A): the share of
the window's incidents in the flagged cells over the share of the area flagged. PEI divides PAI by
the best PAI any set of the same number of cells could have reached (the cells that turned out to
have the most incidents).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .errors import InvalidWindow
from .grid import Grid

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def n_flagged(grid: Grid, area: float) -> int:
    """How many cells fit in ``area`` square metres (cells are of equal size on a square grid)."""
    mean_area = float(grid.cell_areas[grid.active].mean())
    k = int(np.floor(area / mean_area + 1e-9))
    if k < 1:
        raise InvalidWindow("the flagged area is smaller than one cell", problem="area", area=area)
    return min(k, int(grid.active.sum()))


def top_cells(risk: FloatArray, grid: Grid, k: int) -> IntArray:
    """The ``k`` active cells of highest risk, highest first; equal risks go by cell index."""
    candidates = np.flatnonzero(grid.active)
    order = np.lexsort((candidates, -risk[candidates]))
    return candidates[order[:k]].astype(np.int64)


@dataclass(frozen=True)
class Score:
    """One forecast scored against the window's actual counts at ``k`` flagged cells."""

    hits: float  # incidents in the flagged cells
    total: float  # incidents in all active cells
    best_hits: float  # incidents in the k cells that had the most
    flagged_area: float  # square metres
    total_area: float

    @property
    def hit_rate(self) -> float:
        return self.hits / self.total if self.total else float("nan")

    @property
    def area_share(self) -> float:
        return self.flagged_area / self.total_area

    @property
    def pai(self) -> float:
        return self.hit_rate / self.area_share

    @property
    def pei(self) -> float:
        return self.hits / self.best_hits if self.best_hits else float("nan")


def score(risk: FloatArray, actual: FloatArray, grid: Grid, k: int) -> Score:
    """Score ``risk`` against ``actual`` counts per cell, flagging the top ``k`` active cells."""
    flagged = top_cells(risk, grid, k)
    active_counts = np.sort(actual[grid.active])[::-1]
    areas = grid.cell_areas
    return Score(
        hits=float(actual[flagged].sum()),
        total=float(active_counts.sum()),
        best_hits=float(active_counts[:k].sum()),
        flagged_area=float(areas[flagged].sum()),
        total_area=float(areas[grid.active].sum()),
    )


def pooled_pai(scores: list[Score]) -> float:
    """PAI of many windows pooled: all hits over all incidents, over the mean flagged share."""
    hits = sum(s.hits for s in scores)
    total = sum(s.total for s in scores)
    share = float(np.mean([s.area_share for s in scores]))
    return (hits / total) / share if total else float("nan")


def pooled_hit_rate(scores: list[Score]) -> float:
    total = sum(s.total for s in scores)
    return sum(s.hits for s in scores) / total if total else float("nan")
