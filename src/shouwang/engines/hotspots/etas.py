"""Grid ETAS: the grid SEPP whose bursts also reach nearby cells (near repeats).

As in Mohler et al. (2011) an event raises the intensity around it for a while, here on the grid:
``lambda_n(d) = mu_n + theta * sum_m G[n, m] sum_i c_i g(d - d_i)`` over the earlier event days
``d_i`` of cells ``m``, with the SEPP's day-lag kernel ``g`` (``sepp``: geometric over the days
after the event, decay ``omega``). ``G`` is a Gaussian of ``BANDWIDTH`` metres between
cell centres, each column normalised to 1 over the active cells (an event's offspring land
somewhere in the study area). Background per cell, ``theta`` and ``omega`` are fitted by EM; the
spatial spread is fixed.

For each (cell, day) with events and each nearby cell, the E-step needs the nearby cell's decayed
sum just before that day. It is read from that cell's last event day before it (a sorted search
over all cell-days at once) and the same-cell recursion of ``sepp``, carried forward by the gap.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import sparse

from . import kernels
from .events import Events
from .grid import Grid
from .sepp import (
    DAY,
    SeppFit,
    _cell_days,
    _CellDays,
    _excitation,
    decayed,
    expected,
    run_em,
)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

BANDWIDTH = 150.0  # metres: spread of the offspring around their parent's cell
WINDOW_DAYS = 2 * 365  # history used for the fit (the pairs grow with it)


@dataclass(frozen=True)
class _Pairs:
    """(event cell-day, earlier cell-day of a nearby cell) with the kernel weight and the gap."""

    target: IntArray
    source: IntArray  # the nearby cell's last event day before the target's day
    weight: FloatArray
    gap: FloatArray


def _pairs(data: _CellDays, spread: sparse.csr_matrix, days: int) -> _Pairs:
    cell = data.cells[data.row]
    per = np.diff(spread.indptr)[cell]
    target = np.repeat(np.arange(cell.size), per)
    first = np.repeat(spread.indptr[cell] - np.cumsum(per) + per, per)
    slot = first + np.arange(target.size)
    nearby = spread.indices[slot].astype(np.int64)
    keys = cell * (days + 1) + data.day.astype(np.int64)  # sorted: cell, then day
    before = np.searchsorted(keys, nearby * (days + 1) + data.day[target].astype(np.int64)) - 1
    ok = (before >= 0) & (cell[np.maximum(before, 0)] == nearby)
    target, before = target[ok], before[ok]
    return _Pairs(target, before, spread.data[slot][ok], data.day[target] - data.day[before])


def _column_normalised(grid: Grid, bandwidth: float) -> sparse.csr_matrix:
    key = ("etas-spread", bandwidth)
    if key not in grid.cache:
        kernel = kernels.gaussian(grid, bandwidth)
        mass = np.asarray(kernel.sum(axis=0)).ravel()
        scale = np.divide(1.0, mass, out=np.zeros_like(mass), where=mass > 0)
        grid.cache[key] = sparse.csr_matrix(kernel @ sparse.diags(scale))
    matrix: sparse.csr_matrix = grid.cache[key]
    return matrix


def fit(
    history: Events,
    grid: Grid,
    start: np.datetime64,
    window_days: int = WINDOW_DAYS,
    bandwidth: float = BANDWIDTH,
) -> tuple[SeppFit, sparse.csr_matrix]:
    """EM estimate on the last ``window_days`` days; returns the fit and the spatial spread."""
    spread = _column_normalised(grid, bandwidth)
    begin = start - window_days * DAY
    recent = history.between(begin, start)
    cells = grid.cell_of(recent.x, recent.y)
    keep = cells >= 0
    if not keep.any():
        zeros = np.zeros(grid.n_cells)
        return SeppFit(zeros, 0.0, 1.0, zeros.copy(), 0), spread
    data = _cell_days(cells[keep], ((recent.t[keep] - begin) // DAY).astype(np.int64))
    pairs = _pairs(data, spread, window_days)
    span = float(min(window_days, (start - history.t.min()) / DAY))

    def sums(omega: float) -> tuple[FloatArray, FloatArray]:
        """The same-cell sums carried to each nearby cell's later event days."""
        same_cell, same_lag = _excitation(data, omega)
        carried = same_cell[pairs.source] + data.count[pairs.source]
        decay = pairs.weight * np.exp(-omega * pairs.gap)
        excite = np.bincount(pairs.target, weights=decay * carried, minlength=data.day.size)
        lagged = np.bincount(
            pairs.target,
            weights=decay * (same_lag[pairs.source] + pairs.gap * carried),
            minlength=data.day.size,
        )
        return excite, lagged

    mu, theta, omega, done = run_em(data, span, window_days, sums)
    source_sum = np.zeros(grid.n_cells)
    source_sum[data.cells] = decayed(data, omega, window_days)
    mu_full = np.zeros(grid.n_cells)
    mu_full[data.cells] = mu
    return SeppFit(mu_full, theta, omega, spread @ source_sum, done), spread


def grid_etas(
    history: Events, grid: Grid, start: np.datetime64, horizon: np.timedelta64
) -> FloatArray:
    model, _ = fit(history, grid, start)
    return expected(model, float(horizon / DAY))
