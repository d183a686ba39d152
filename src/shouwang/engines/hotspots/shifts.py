"""Forecasts by 8-hour shift, where the incidents carry a time of day.

Two ways to say where and how much in one shift:

* static: the all-past map of places (the same cells every shift) and, for the volume, the
  hour-of-week profile (the mean count of the same hours of the week over the last year);
* by shift: the places are the past events of the same band of the day (00-08, 08-16, 16-24),
  shrunk towards the all-past map so that a cell seen once at night does not jump to the top:
  ``risk = n_band + (N_band / N) * n_all`` (the second term is what the static map expects of
  the band).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .counts import cell_counts
from .events import Events, as_time
from .grid import Grid
from .metrics import top_cells

FloatArray = npt.NDArray[np.float64]

SHIFT_HOURS = 8
HOUR = np.timedelta64(3600, "s")
WEEK_HOURS = 7 * 24
PROFILE_WEEKS = 52


def band_of(t: npt.NDArray[np.datetime64]) -> npt.NDArray[np.int64]:
    """The shift band of the day (0: 00-08, 1: 08-16, 2: 16-24) of each time."""
    hours = t.astype("datetime64[h]").astype(np.int64) % 24
    return np.asarray(hours // SHIFT_HOURS, dtype=np.int64)


def hour_of_week(t: npt.NDArray[np.datetime64]) -> npt.NDArray[np.int64]:
    """0 = Monday 00:00-01:00 ... 167 = Sunday 23:00-24:00."""
    hours = t.astype("datetime64[h]").astype(np.int64)
    return np.asarray((hours + 72) % WEEK_HOURS, dtype=np.int64)  # 1970-01-01 was a Thursday


def shift_risk(history: Events, grid: Grid, start: np.datetime64) -> FloatArray:
    """Risk per cell for the shift starting at ``start`` (``history`` must end before it)."""
    band = int(band_of(np.array([start]))[0])
    in_band = band_of(history.t) == band
    everything = cell_counts(history, grid)
    same_band = cell_counts(history.select(in_band), grid)
    prior = in_band.sum() / max(len(history), 1)
    risk: FloatArray = same_band + prior * everything
    return risk


def profile_volume(history: Events, start: np.datetime64, hours: int = SHIFT_HOURS) -> float:
    """Expected incidents in ``[start, start + hours)`` from the hour-of-week profile: the mean
    over the last year's weeks, or over the weeks the history covers when it is shorter (two
    months of records must not be averaged as if the other ten had none)."""
    recent = history.between(start - np.timedelta64(PROFILE_WEEKS * 7, "D"), start)
    if len(recent) == 0:
        return 0.0
    covered = (start - recent.t.min()) / np.timedelta64(7, "D")
    weeks = min(float(PROFILE_WEEKS), max(1.0, float(np.ceil(covered))))
    per_hour = np.bincount(hour_of_week(recent.t), minlength=WEEK_HOURS) / weeks
    first = int(hour_of_week(np.array([start]))[0])
    return float(per_hour[(first + np.arange(hours)) % WEEK_HOURS].sum())


@dataclass(frozen=True)
class ShiftReport:
    """Shifts evaluated one after another, each from the events before it."""

    shifts: int
    incidents: float
    hit_rate_static: float  # top cells of the all-past map, the same every shift
    hit_rate_by_shift: float  # top cells of the map of the shift's band of the day
    volume_mae_profile: float  # mean |expected - actual| incidents per shift, hour-of-week profile
    volume_mae_flat: float  # the same with last year's count spread evenly over its shifts


def evaluate_shifts(
    events: Events, grid: Grid, first: np.datetime64 | str, shifts: int, k: int
) -> ShiftReport:
    """Hit rate of the top ``k`` cells per shift and the volume error, static against by-shift."""
    begin = as_time(first)
    caught_static = caught_shift = total = 0.0
    errors_profile: list[float] = []
    errors_flat: list[float] = []
    for i in range(shifts):
        start = begin + i * SHIFT_HOURS * HOUR
        history = events.before(start)
        actual = cell_counts(events.between(start, start + SHIFT_HOURS * HOUR), grid)
        observed = float(actual[grid.active].sum())
        total += observed
        static = cell_counts(history, grid)
        caught_static += float(actual[top_cells(static, grid, k)].sum())
        caught_shift += float(actual[top_cells(shift_risk(history, grid, start), grid, k)].sum())
        year = history.between(start - np.timedelta64(PROFILE_WEEKS * 7, "D"), start)
        errors_profile.append(abs(profile_volume(history, start) - observed))
        errors_flat.append(abs(len(year) / (PROFILE_WEEKS * 21) - observed))
    return ShiftReport(
        shifts=shifts,
        incidents=total,
        hit_rate_static=caught_static / total if total else float("nan"),
        hit_rate_by_shift=caught_shift / total if total else float("nan"),
        volume_mae_profile=float(np.mean(errors_profile)),
        volume_mae_flat=float(np.mean(errors_flat)),
    )
