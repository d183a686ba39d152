"""Shift forecasts: places differ by time of day; the hour-of-week profile gives the volume."""

from __future__ import annotations

import numpy as np
import pytest

from shouwang.engines.hotspots import Events, SquareGrid
from shouwang.engines.hotspots.shifts import (
    band_of,
    evaluate_shifts,
    hour_of_week,
    profile_volume,
    shift_risk,
)

MONDAY = np.datetime64("2024-01-01T00:00:00", "s")  # a Monday
GRID = SquareGrid(0.0, 0.0, 100.0, 10, 10)
NIGHT_CELL, DAY_CELL = 11, 88


def _day_and_night(days: int = 364) -> Events:
    """Every night at 02:00 in NIGHT_CELL, every afternoon at 14:00 in DAY_CELL (more often)."""
    start = MONDAY - np.timedelta64(days, "D")
    day_index = np.arange(days)
    nights = start + (day_index * 86400 + 2 * 3600).astype("timedelta64[s]")
    afternoons = start + (np.repeat(day_index, 2) * 86400 + 14 * 3600).astype("timedelta64[s]")
    x = np.concatenate([np.full(days, 150.0), np.full(2 * days, 850.0)])
    return Events(x, x.copy(), np.concatenate([nights, afternoons]))


def test_bands_and_hours_of_week() -> None:
    times = MONDAY + np.array([0, 7 * 3600 + 3599, 8 * 3600, 23 * 3600, 6 * 86400 + 23 * 3600])
    assert band_of(times).tolist() == [0, 0, 1, 2, 2]
    assert hour_of_week(times).tolist() == [0, 7, 8, 23, 167]


def test_the_night_shift_flags_the_night_place_and_the_static_map_does_not() -> None:
    events = _day_and_night()
    night = shift_risk(events, GRID, MONDAY)
    day = shift_risk(events, GRID, MONDAY + np.timedelta64(8, "h"))
    assert int(np.argmax(night)) == NIGHT_CELL
    assert int(np.argmax(day)) == DAY_CELL


def test_profile_volume_counts_the_same_hours_of_past_weeks() -> None:
    events = _day_and_night()
    assert profile_volume(events, MONDAY) == pytest.approx(1.0)  # one event a night
    assert profile_volume(events, MONDAY + np.timedelta64(8, "h")) == pytest.approx(2.0)
    assert profile_volume(events, MONDAY + np.timedelta64(16, "h")) == 0.0


def test_evaluation_prefers_the_by_shift_map_when_places_depend_on_the_hour() -> None:
    history = _day_and_night(364 + 7)
    report = evaluate_shifts(history, GRID, MONDAY - np.timedelta64(7, "D"), 21, k=1)
    assert report.incidents == 21
    assert report.hit_rate_by_shift == 1.0
    assert report.hit_rate_static == pytest.approx(14 / 21)
    assert report.volume_mae_profile == 0.0
    assert report.volume_mae_flat == pytest.approx(2 / 3)  # 1 a shift against 1, 2 and 0
