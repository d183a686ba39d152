"""Rolling-origin evaluation: forecast each window from the data before it, score, pool, bootstrap.

Every forecast goes through ``forecast()``, which hands a model only the events before the
window's start, so a backtest cannot leak the future into the past.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from .counts import cell_counts
from .events import Events, as_time
from .forecast import as_horizon, forecast
from .grid import Grid
from .metrics import Score, score, top_cells

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def weekly_starts(
    first: np.datetime64 | str, count: int, step_days: int = 7
) -> list[np.datetime64]:
    """``count`` window starts ``step_days`` apart from ``first``."""
    begin = as_time(first)
    return [begin + np.timedelta64(i * step_days * 86400, "s") for i in range(count)]


@dataclass
class Backtest:
    """Scores per model, per flagged-area label, per window (in the order of ``starts``)."""

    starts: list[np.datetime64]
    areas: dict[str, int]  # label -> number of flagged cells
    scores: dict[str, dict[str, list[Score]]] = field(default_factory=dict)
    flagged: dict[str, list[IntArray]] = field(default_factory=dict)  # top cells at largest area


def backtest(
    events: Events,
    grid: Grid,
    starts: Sequence[np.datetime64],
    horizon: np.timedelta64 | int | str,
    models: Sequence[str],
    areas: Mapping[str, int],
) -> Backtest:
    """Forecast every window with every model and score it at every flagged area."""
    length = as_horizon(horizon)
    result = Backtest(list(starts), dict(areas))
    widest = max(areas.values())
    for model in models:
        per_area: dict[str, list[Score]] = {label: [] for label in areas}
        flagged: list[IntArray] = []
        for start in starts:
            risk = forecast(events, grid, start, length, model)
            actual = cell_counts(events.between(start, start + length), grid)
            for label, k in areas.items():
                per_area[label].append(score(risk, actual, grid, k))
            flagged.append(top_cells(risk, grid, widest))
        result.scores[model] = per_area
        result.flagged[model] = flagged
    return result


@dataclass(frozen=True)
class Interval:
    value: float
    low: float
    high: float


def _pooled_rate(hits: FloatArray, totals: FloatArray, index: IntArray) -> FloatArray:
    h = hits[index].sum(axis=-1)
    n = totals[index].sum(axis=-1)
    return np.asarray(np.where(n > 0, h / np.maximum(n, 1e-12), np.nan), dtype=np.float64)


def bootstrap_indices(n_windows: int, draws: int = 2000, seed: int = 0) -> IntArray:
    """Resamples of whole windows (weeks) with replacement; the same draws serve every model."""
    rng = np.random.default_rng(seed)
    return rng.integers(0, n_windows, size=(draws, n_windows)).astype(np.int64)


def pooled(scores: Sequence[Score], index: IntArray, *, pai: bool) -> Interval:
    """Pooled hit rate (or PAI) with a percentile bootstrap 95% interval over windows."""
    hits = np.array([s.hits for s in scores])
    totals = np.array([s.total for s in scores])
    share = float(np.mean([s.area_share for s in scores])) if pai else 1.0
    everything = np.arange(len(scores))
    value = float(_pooled_rate(hits, totals, everything)) / share
    draws = _pooled_rate(hits, totals, index) / share
    low, high = np.nanpercentile(draws, [2.5, 97.5])
    return Interval(value, float(low), float(high))


def relative_gain(model: Sequence[Score], baseline: Sequence[Score], index: IntArray) -> Interval:
    """Pooled hit rate of ``model`` over the baseline's, minus 1, with its bootstrap interval.

    Both are resampled with the same weeks, so the interval is that of the paired difference.
    """
    hits_m = np.array([s.hits for s in model])
    hits_b = np.array([s.hits for s in baseline])
    totals = np.array([s.total for s in model])
    everything = np.arange(len(model))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = _pooled_rate(hits_m, totals, everything) / _pooled_rate(hits_b, totals, everything)
        draws = _pooled_rate(hits_m, totals, index) / _pooled_rate(hits_b, totals, index) - 1.0
    # A resample in which the baseline caught nothing has no ratio; it is left out.
    draws = draws[np.isfinite(draws)]
    if draws.size == 0 or not np.isfinite(ratio):
        return Interval(float("nan"), float("nan"), float("nan"))
    low, high = np.percentile(draws, [2.5, 97.5])
    return Interval(float(ratio) - 1.0, float(low), float(high))


def mean_pei(scores: Sequence[Score]) -> float:
    values = [s.pei for s in scores if s.best_hits > 0]
    return float(np.mean(values)) if values else float("nan")
