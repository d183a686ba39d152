"""Grid self-exciting point process (Mohler et al. 2011, 2015), fitted by EM.

In each cell ``n`` the intensity on day ``d`` is
``mu_n + theta * omega * sum exp(-omega (d - d_i))`` over the earlier days ``d_i`` with events in
the same cell: a constant background plus a burst after each event that decays at rate ``omega``
(per day) and brings ``theta`` events on average.
Times are taken at day resolution (most police extracts carry dates only), and events of one day
do not excite each other.

The E-step needs, at every (cell, day) with events, the decayed sum over the cell's earlier event
days. It is a first-order recursion along each cell's event days, run for all cells at once rank
by rank, so an iteration costs O(cell-days with events), not O(cells x days).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .events import Events
from .grid import Grid

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

DAY = np.timedelta64(86400, "s")
WINDOW_DAYS = 5 * 365  # history used for the fit
ITERATIONS = 60
TOLERANCE = 1e-5


@dataclass(frozen=True)
class SeppFit:
    """Fitted parameters: background per cell (events/day), offspring mean, decay (per day)."""

    mu: FloatArray
    theta: float
    omega: float
    recent: FloatArray  # per cell: sum of exp(-omega * age in days) over its past events
    iterations: int


@dataclass(frozen=True)
class _CellDays:
    """Distinct (cell, day) pairs with their counts, sorted by cell then day."""

    row: IntArray  # index into ``cells`` of each pair
    day: FloatArray
    count: FloatArray
    cells: IntArray  # grid cell of each row
    ranks: list[IntArray]  # ranks[r] = pairs that are their cell's r-th event day (r >= 1)


def _cell_days(cells: IntArray, days: IntArray) -> _CellDays:
    key = cells * (days.max() + 1) + days
    unique, count = np.unique(key, return_counts=True)
    cell = unique // (days.max() + 1)
    day = unique % (days.max() + 1)
    grid_cells, row = np.unique(cell, return_inverse=True)
    first = np.r_[0, np.flatnonzero(np.diff(row)) + 1]
    rank = np.arange(row.size) - np.repeat(first, np.diff(np.r_[first, row.size]))
    order = np.argsort(rank, kind="stable")
    bounds = np.searchsorted(rank[order], np.arange(1, int(rank.max()) + 2))
    ranks = [order[bounds[i] : bounds[i + 1]] for i in range(bounds.size - 1)]
    return _CellDays(row, day.astype(np.float64), count.astype(np.float64), grid_cells, ranks)


def _excitation(data: _CellDays, omega: float) -> tuple[FloatArray, FloatArray]:
    """``E = sum c_i e^(-omega lag)`` and ``F = sum c_i lag e^(-omega lag)`` over earlier days."""
    excite = np.zeros(data.day.size)
    lagged = np.zeros(data.day.size)
    for idx in data.ranks:
        prev = idx - 1  # sorted by cell then day: the previous pair is the same cell's
        gap = data.day[idx] - data.day[prev]
        decay = np.exp(-omega * gap)
        carried = excite[prev] + data.count[prev]
        excite[idx] = decay * carried
        lagged[idx] = decay * (lagged[prev] + gap * carried)
    return excite, lagged


def fit(
    history: Events, grid: Grid, start: np.datetime64, window_days: int = WINDOW_DAYS
) -> SeppFit:
    """EM estimate of the grid SEPP on the last ``window_days`` days before ``start``."""
    begin = start - window_days * DAY
    recent = history.between(begin, start)
    cells = grid.cell_of(recent.x, recent.y)
    keep = cells >= 0
    if not keep.any():
        zeros = np.zeros(grid.n_cells)
        return SeppFit(zeros, 0.0, 1.0, zeros.copy(), 0)
    days = ((recent.t[keep] - begin) // DAY).astype(np.int64)
    data = _cell_days(cells[keep], days)
    span = float(min(window_days, (start - history.t.min()) / DAY))
    n_rows = data.cells.size
    per_row = np.bincount(data.row, weights=data.count, minlength=n_rows)
    left = window_days - data.day - 0.5  # days from each event to the end of the fit window
    mu = per_row / span * 0.5
    theta, omega = 0.5, 0.1
    done = 0
    for done in range(1, ITERATIONS + 1):  # noqa: B007 (the count is reported)
        excite, lagged = _excitation(data, omega)
        lam = mu[data.row] + theta * omega * excite
        triggered = data.count * theta * omega * excite / lam
        n_trig = float(triggered.sum())
        new_mu = np.bincount(data.row, weights=data.count - triggered, minlength=n_rows) / span
        exposure = float((data.count * (1.0 - np.exp(-omega * left))).sum())
        new_theta = min(n_trig / exposure, 0.99) if exposure > 0 else 0.0
        weighted_lag = float((data.count * theta * omega * lagged / lam).sum())
        new_omega = n_trig / weighted_lag if weighted_lag > 0 else omega
        new_omega = float(np.clip(new_omega, 1e-3, 10.0))
        change = abs(new_theta - theta) + abs(new_omega - omega) / omega
        mu, theta, omega = new_mu, new_theta, new_omega
        if change < TOLERANCE:
            break
    ages = window_days - data.day - 0.5
    recent_sum = np.bincount(data.row, weights=data.count * np.exp(-omega * ages), minlength=n_rows)
    mu_full = np.zeros(grid.n_cells)
    mu_full[data.cells] = mu
    recent_full = np.zeros(grid.n_cells)
    recent_full[data.cells] = recent_sum
    return SeppFit(mu_full, theta, omega, recent_full, done)


def expected(model: SeppFit, horizon_days: float) -> FloatArray:
    """Expected events per cell in the next ``horizon_days`` (first-generation offspring only)."""
    burst = model.theta * (1.0 - np.exp(-model.omega * horizon_days))
    risk: FloatArray = model.mu * horizon_days + burst * model.recent
    return risk


def grid_sepp(
    history: Events, grid: Grid, start: np.datetime64, horizon: np.timedelta64
) -> FloatArray:
    return expected(fit(history, grid, start), float(horizon / DAY))
