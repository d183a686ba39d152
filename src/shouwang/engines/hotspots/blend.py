"""The "best" model: a blend of long-term counts, decayed counts and a smoothed map.

Each component map is normalised to sum 1 and the blend is ``sum w_j * map_j`` with the weight of
the all-past counts fixed at 1. The weights are chosen again at every forecast by rolling
validation on the weeks just before ``start`` only: for each of the last ``VALIDATION_WEEKS``
weeks the components are rebuilt from the events before that week, every candidate weighting is
scored by how many of that week's incidents its top cells caught (at ``TARGET_SHARES`` of the
area, relative to the all-past counts alone), and the best candidate on the pooled weeks wins.
The plain all-past map is among the candidates and wins ties, so the blend falls back to the
naive map when nothing beats it on the recent past.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from . import kernels
from .events import Events
from .grid import Grid

FloatArray = npt.NDArray[np.float64]

WEEK = np.timedelta64(7 * 86400, "s")
VALIDATION_WEEKS = 26
TARGET_SHARES = (0.002, 0.01, 0.05)  # shares of the active area the weights are tuned for
LONG_WEEKS = 104.0  # decay time of the long-term component
RECENT_WEEKS = 13.0  # decay time of the recent component
SMOOTH_METRES = 200.0  # Gaussian bandwidth of the smoothed components
NEAR_WEEKS = 4.0  # decay time of the near-repeat component (recent events, smoothed)
STEPS = (0.0, 0.1, 0.3, 1.0, 3.0)  # candidate weights of the three extra components
COMPONENTS = ("all", "long", "recent", "smooth")
MEMO_SIZE = 4096  # validation weeks remembered per grid


def _candidates() -> FloatArray:
    extra = np.array(list(itertools.product(STEPS, repeat=len(COMPONENTS) - 1)))
    return np.column_stack([np.ones(len(extra)), extra])  # row 0 is the all-past map alone


@dataclass(frozen=True)
class _Located:
    """History events with their cells, computed once per forecast."""

    cell: npt.NDArray[np.int64]
    seconds: FloatArray  # event time in seconds since the epoch


def _components(data: _Located, grid: Grid, origin: np.datetime64) -> FloatArray:
    """Column ``j`` = component ``j`` built from the events before ``origin``, summing to 1."""
    now = float(origin.astype("datetime64[s]").astype(np.int64))
    seen = data.seconds < now
    cell = data.cell[seen]
    age_weeks = (now - data.seconds[seen]) / (7 * 86400.0)
    n = grid.n_cells
    counts = np.bincount(cell, minlength=n).astype(np.float64)

    def decayed(weeks: float) -> FloatArray:
        return np.bincount(cell, weights=np.exp(-age_weeks / weeks), minlength=n)

    def smooth(values: FloatArray) -> FloatArray:
        return kernels.spread(kernels.gaussian(grid, SMOOTH_METRES), values)

    build: dict[str, Callable[[], FloatArray]] = {
        "all": lambda: counts,
        "long": lambda: decayed(LONG_WEEKS),
        "recent": lambda: decayed(RECENT_WEEKS),
        "smooth": lambda: smooth(counts),
        "near": lambda: smooth(decayed(NEAR_WEEKS)),
    }
    columns = np.column_stack([build[name]() for name in COMPONENTS])
    totals = columns.sum(axis=0)
    return columns / np.where(totals > 0, totals, 1.0)


def _hits(
    components: FloatArray, order: FloatArray, candidates: FloatArray, actual: FloatArray, k: int
) -> FloatArray:
    """Incidents caught by each candidate's top ``k`` cells; ``order`` (tiny and distinct per
    cell) breaks ties.

    Every candidate scores a cell at least as high as the all-past map alone (row 0) and at most
    as high as with every extra weight at its largest step, so a cell whose largest score is below
    the all-past map's k-th largest value cannot be in any candidate's top ``k``: the partition
    runs on the few cells left. (The tie-break goes on the scores, not on each component: on the
    components it made an empty cell's bound lower than its own all-past score, and a
    jurisdiction with fewer than ``k`` cells with any history lost cells it needed.)
    """
    lowest = components[:, 0] + order
    floor = np.partition(lowest, -k)[-k]
    keep = lowest + max(STEPS) * components[:, 1:].sum(axis=1) >= floor
    kept = components[keep]
    # Four broadcasts instead of a tiny matmul: BLAS threads cost more than they save here.
    scores = order[keep] + sum(candidates[:, j : j + 1] * kept[:, j] for j in range(kept.shape[1]))
    threshold = np.partition(scores, -k, axis=1)[:, -k, None]
    busy = np.flatnonzero(actual[keep])
    caught = (scores[:, busy] >= threshold).astype(np.float64) * actual[keep][busy]
    return np.asarray(caught.sum(axis=1), dtype=np.float64)


def _week_caught(
    data: _Located, grid: Grid, origin: np.datetime64, stop: float, ks: list[int], cand: FloatArray
) -> FloatArray:
    """Incidents of ``[origin, stop)`` caught by each candidate built from the events before."""
    active = np.flatnonzero(grid.active)
    caught = np.zeros((len(ks), len(cand)))
    inside = (data.seconds >= _seconds(origin)) & (data.seconds < stop)
    if not inside.any():
        return caught
    actual = np.bincount(data.cell[inside], minlength=grid.n_cells)[active].astype(float)
    # Equal scores (many cells have none) go by cell index as in metrics.top_cells; the offset
    # is far below any real difference of normalised maps and makes the top k unambiguous.
    order: FloatArray = -1e-15 * np.arange(active.size, dtype=np.float64)
    components = _components(data, grid, origin)[active]
    for a, k in enumerate(ks):
        caught[a] = _hits(components, order, cand, actual, k)
    return caught


def _fingerprint(data: _Located, stop: float) -> tuple[int, int, int]:
    """Identifies the events before ``stop``: consecutive forecasts of a backtest (or of a
    concentration report) share most validation weeks, and their results are memoised on the
    grid under this key."""
    seen = data.seconds < stop
    seconds = data.seconds[seen].astype(np.int64)
    mixed = int((data.cell[seen] * (seconds % 9973 + 1)).sum())
    return int(seen.sum()), int(seconds.sum()), mixed


def _settings() -> tuple[object, ...]:
    return (TARGET_SHARES, LONG_WEEKS, RECENT_WEEKS, SMOOTH_METRES, NEAR_WEEKS, STEPS, COMPONENTS)


def choose_weights(
    data: _Located, grid: Grid, start: np.datetime64, horizon: np.timedelta64
) -> FloatArray:
    """The candidate weighting that caught most incidents over the validation weeks."""
    candidates = _candidates()
    active = np.flatnonzero(grid.active)
    ks = [max(1, round(share * active.size)) for share in TARGET_SHARES]
    caught = np.zeros((len(ks), len(candidates)))
    memo: dict[tuple[object, ...], FloatArray] = grid.cache.setdefault("blend-weeks", {})
    if len(memo) > MEMO_SIZE:
        memo.clear()
    for back in range(1, VALIDATION_WEEKS + 1):
        origin = start - back * WEEK
        stop = min(_seconds(origin + horizon), _seconds(start))
        key = (_seconds(origin), stop, _fingerprint(data, stop), tuple(ks), _settings())
        if key not in memo:
            memo[key] = _week_caught(data, grid, origin, stop, ks, candidates)
        caught += memo[key]
    baseline = np.maximum(caught[:, :1], 1.0)
    merit = (caught / baseline).mean(axis=0)
    best = int(np.argmax(merit))  # argmax takes the first maximum: row 0 (naive) wins ties
    weights: FloatArray = candidates[best]
    return weights


def candidate_weights() -> FloatArray:
    """The weightings ``choose_weights`` picks from, one per row (row 0: all-past counts alone)."""
    return _candidates()


def candidate_catches(
    events: Events, grid: Grid, origin: np.datetime64, horizon: np.timedelta64, k: int
) -> FloatArray:
    """Incidents of ``[origin, origin + horizon)`` caught by each candidate's top ``k`` cells.

    The components come from the events before ``origin``; the window's own events are what is
    counted, so this reads the future on purpose. It serves hindsight diagnostics (how much
    choosing the weights on the evaluated weeks themselves would gain), never a forecast.
    """
    data = locate(events, grid)
    stop = _seconds(origin + horizon)
    caught: FloatArray = _week_caught(data, grid, origin, stop, [k], _candidates())[0]
    return caught


def _seconds(when: np.datetime64) -> float:
    return float(when.astype("datetime64[s]").astype(np.int64))


def locate(history: Events, grid: Grid) -> _Located:
    cell = grid.cell_of(history.x, history.y)
    keep = cell >= 0
    return _Located(cell[keep], history.t[keep].astype(np.int64).astype(np.float64))


def blend(history: Events, grid: Grid, start: np.datetime64, horizon: np.timedelta64) -> FloatArray:
    """The blend in expected incidents: its shares times the all-past rate over ``horizon``."""
    data = locate(history, grid)
    if data.cell.size == 0:
        return np.zeros(grid.n_cells)
    weights = choose_weights(data, grid, start, horizon)
    shares = _components(data, grid, start) @ (weights / weights.sum())
    span = max(_seconds(start) - float(data.seconds.min()), 1.0)
    expected = data.cell.size * float(horizon / np.timedelta64(1, "s")) / span
    risk: FloatArray = shares * expected
    return risk
