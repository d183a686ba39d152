"""Grid self-exciting point process (Mohler et al. 2011, 2015), fitted by EM.

In each cell ``n`` the daily intensity is ``mu_n + theta * omega * sum exp(-omega * (d - d_i))``
over earlier days ``d_i`` with events in the same cell: a constant background plus a burst after
each event that decays with rate ``omega`` (per day) and produces ``theta`` events on average.

The sums over past events are exponential filters along the day axis (``scipy.signal.lfilter``),
so one EM iteration costs O(cells x days) whatever the number of events.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.signal import lfilter

from .events import Events
from .grid import Grid

FloatArray = npt.NDArray[np.float64]

DAY = np.timedelta64(86400, "s")
WINDOW_DAYS = 730  # history used for the fit
ITERATIONS = 50


@dataclass(frozen=True)
class SeppFit:
    """Fitted parameters: background per cell (events/day), offspring mean, decay (per day)."""

    mu: FloatArray
    theta: float
    omega: float
    recent: FloatArray  # per cell: sum of exp(-omega * age in days) over past events


def _decayed_sums(counts: FloatArray, r: float) -> tuple[FloatArray, FloatArray]:
    """``E[d] = sum_{k>=1} r^k c[d-k]`` and ``F[d] = sum_{k>=1} k r^k c[d-k]`` per row."""
    shifted = np.zeros_like(counts)
    shifted[:, 1:] = counts[:, :-1]
    excite = lfilter([r], [1.0, -r], shifted, axis=1)
    lagged = lfilter([0.0, r], [1.0, -2.0 * r, r * r], counts, axis=1)
    return np.asarray(excite), np.asarray(lagged)


def fit(
    history: Events, grid: Grid, start: np.datetime64, window_days: int = WINDOW_DAYS
) -> SeppFit:
    """EM estimate of the grid SEPP on the last ``window_days`` days before ``start``."""
    begin = start - window_days * DAY
    recent = history.between(begin, start)
    cells = grid.cell_of(recent.x, recent.y)
    day = ((recent.t - begin) // DAY).astype(np.int64)
    keep = cells >= 0
    rows, row_of = np.unique(cells[keep], return_inverse=True)
    counts = np.zeros((rows.size, window_days))
    np.add.at(counts, (row_of, day[keep]), 1.0)
    mu_full = np.zeros(grid.n_cells)
    if rows.size == 0:
        return SeppFit(mu_full, 0.0, 1.0, np.zeros(grid.n_cells))

    T = float(window_days)
    days_left = T - np.arange(window_days) - 0.5
    has = counts > 0
    mu = counts.sum(axis=1) / T * 0.5
    theta, omega = 0.5, 0.1
    for _ in range(ITERATIONS):
        r = float(np.exp(-omega))
        excite, lagged = _decayed_sums(counts, r)
        lam = mu[:, None] + theta * omega * excite
        p_bg = np.where(has, mu[:, None] / np.where(has, lam, 1.0), 0.0)
        triggered = counts * (1.0 - p_bg)
        n_trig = float(triggered.sum())
        new_mu = (counts * p_bg).sum(axis=1) / T
        exposure = float((counts * (1.0 - np.exp(-omega * days_left))).sum())
        new_theta = min(n_trig / exposure, 0.99) if exposure > 0 else 0.0
        weighted_lag = float(
            (counts * theta * omega * lagged / np.where(has, lam, 1.0) * has).sum()
        )
        new_omega = n_trig / weighted_lag if weighted_lag > 0 else omega
        new_omega = float(np.clip(new_omega, 1e-3, 10.0))
        change = abs(new_theta - theta) + abs(new_omega - omega) / omega
        mu, theta, omega = new_mu, new_theta, new_omega
        if change < 1e-5:
            break
    ages = window_days - np.arange(window_days) - 0.5
    recent_sum = counts @ np.exp(-omega * ages)
    mu_full[rows] = mu
    recent_full = np.zeros(grid.n_cells)
    recent_full[rows] = recent_sum
    return SeppFit(mu_full, theta, omega, recent_full)


def expected(model: SeppFit, horizon_days: float) -> FloatArray:
    """Expected events per cell in the next ``horizon_days`` (first-generation offspring only)."""
    burst = model.theta * (1.0 - np.exp(-model.omega * horizon_days))
    risk: FloatArray = model.mu * horizon_days + burst * model.recent
    return risk


def grid_sepp(
    history: Events, grid: Grid, start: np.datetime64, horizon: np.timedelta64
) -> FloatArray:
    return expected(fit(history, grid, start), float(horizon / DAY))
