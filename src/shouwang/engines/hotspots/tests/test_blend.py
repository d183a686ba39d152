"""The blend picks its weights on the weeks before the start, and follows a hotspot that moved."""

from __future__ import annotations

import numpy as np
import pytest

from shouwang.engines.hotspots import Events, SquareGrid, forecast
from shouwang.engines.hotspots.blend import choose_weights, locate

START = np.datetime64("2021-01-01", "s")
OLD, NEW = 45, 154  # cells of a 20 x 20 grid of 100 m


def _moved_hotspot() -> Events:
    """Two years at cell OLD (6 a week), then 20 weeks at cell NEW (4 a week) until START."""
    rng = np.random.default_rng(4)

    def burst(cell: int, weeks: int, per_week: int, end_weeks_before: int) -> Events:
        n = weeks * per_week
        col, row = cell % 20, cell // 20
        days_before = rng.uniform(end_weeks_before * 7, (end_weeks_before + weeks) * 7, n)
        t = START - (days_before * 86400).astype(np.int64).astype("timedelta64[s]")
        x = rng.uniform(col * 100, col * 100 + 100, n)
        return Events(x, rng.uniform(row * 100, row * 100 + 100, n), t)

    parts = [burst(OLD, 104, 6, 20), burst(NEW, 20, 4, 0)]
    noise = 400
    parts.append(
        Events(
            rng.uniform(0, 2000, noise),
            rng.uniform(0, 2000, noise),
            START - (rng.uniform(1, 124 * 7, noise) * 86400).astype("timedelta64[s]"),
        )
    )
    return Events(
        np.concatenate([p.x for p in parts]),
        np.concatenate([p.y for p in parts]),
        np.concatenate([p.t for p in parts]),
    )


def test_the_blend_follows_a_hotspot_that_moved_where_all_past_counts_do_not() -> None:
    grid = SquareGrid(0.0, 0.0, 100.0, 20, 20)
    events = _moved_hotspot()
    naive = forecast(events, grid, START, "7d", "naive_all")
    best = forecast(events, grid, START, "7d", "best")
    assert int(np.argmax(naive)) == OLD
    assert int(np.argmax(best)) == NEW
    weights = choose_weights(
        locate(events.before(START), grid), grid, START, np.timedelta64(7, "D")
    )
    assert weights[2] > 0  # the recent component carries weight


def test_without_a_change_the_blend_keeps_the_all_past_ranking_at_the_top() -> None:
    grid = SquareGrid(0.0, 0.0, 100.0, 20, 20)
    rng = np.random.default_rng(9)
    n = 3000
    cells = rng.choice([10, 99, 250], n)
    x = (cells % 20) * 100 + rng.uniform(0, 100, n)
    y = (cells // 20) * 100 + rng.uniform(0, 100, n)
    t = START - (rng.uniform(0, 700, n) * 86400).astype(np.int64).astype("timedelta64[s]")
    events = Events(x, y, t)
    naive = forecast(events, grid, START, "7d", "naive_all")
    best = forecast(events, grid, START, "7d", "best")
    top = set(np.argsort(-naive)[:3].tolist())
    assert top == {10, 99, 250} == set(np.argsort(-best)[:3].tolist())


def test_remembered_validation_weeks_never_serve_another_event_set() -> None:
    events = _moved_hotspot()
    shared = SquareGrid(0.0, 0.0, 100.0, 20, 20)
    week = np.timedelta64(7, "D")
    # Warm the grid's memo with consecutive weekly forecasts, then forecast other events on it.
    for back in (3, 2, 1):
        forecast(events, shared, START - back * week, week, "best")
    thinned = events.select(np.arange(len(events)) % 3 != 0)
    for data in (events, thinned):
        fresh = SquareGrid(0.0, 0.0, 100.0, 20, 20)
        np.testing.assert_array_equal(
            forecast(data, shared, START, week, "best"), forecast(data, fresh, START, week, "best")
        )
    assert shared.cache["blend-weeks"]


def test_the_blend_is_in_expected_incidents_like_the_all_past_map() -> None:
    grid = SquareGrid(0.0, 0.0, 100.0, 20, 20)
    events = _moved_hotspot()
    naive = forecast(events, grid, START, "14d", "naive_all")
    best = forecast(events, grid, START, "14d", "best")
    assert best.sum() == pytest.approx(naive.sum())
    assert naive.sum() == pytest.approx(len(events) * 14 / (124 * 7), rel=0.02)


def test_a_jurisdiction_with_history_in_fewer_cells_than_it_flags_is_forecast() -> None:
    """A 40 x 40 grid flags 80 cells at 5% of the area; its past incidents sit in two corner
    cells, and even the smoothed maps reach fewer than 80 cells. The empty cells tie at zero and
    fill the flagged area by index, for every candidate."""
    grid = SquareGrid(0.0, 0.0, 100.0, 40, 40)
    days = np.arange(0, 700, 7)
    x = np.where(days % 2 == 0, 50.0, 150.0)
    t = START - (days * 86400).astype("timedelta64[s]")
    events = Events(x, np.full(x.size, 50.0), t)
    risk = forecast(events, grid, START, "7d", "best")
    assert risk.sum() == pytest.approx(forecast(events, grid, START, "7d", "naive_all").sum())
    assert set(np.argsort(-risk, kind="stable")[:2]) == {0, 1}
