"""Grid ETAS: the neighbour sums against brute force, and near repeats found in a simulation."""

from __future__ import annotations

import numpy as np
import pytest

from shouwang.engines.hotspots import Events, SquareGrid
from shouwang.engines.hotspots.etas import _column_normalised, _pairs, fit
from shouwang.engines.hotspots.sepp import _cell_days, _excitation
from shouwang.engines.hotspots.sepp import fit as fit_same_cell

GRID = SquareGrid(0.0, 0.0, 100.0, 6, 6)


def test_neighbour_sums_equal_the_direct_sums() -> None:
    rng = np.random.default_rng(5)
    cells = rng.integers(0, GRID.n_cells, 300).astype(np.int64)
    days = rng.integers(0, 90, 300).astype(np.int64)
    data = _cell_days(cells, days)
    spread = _column_normalised(GRID, 100.0).toarray()
    pairs = _pairs(data, _column_normalised(GRID, 100.0), 90)
    omega = 0.2
    same, _ = _excitation(data, omega)
    carried = same[pairs.source] + data.count[pairs.source]
    weights = pairs.weight * np.exp(-omega * pairs.gap) * carried
    excite = np.bincount(pairs.target, weights=weights, minlength=data.day.size)
    cell_of_entry = data.cells[data.row]
    for j in range(0, data.day.size, 7):
        earlier = data.day < data.day[j]
        direct = (
            spread[cell_of_entry[j], cell_of_entry[earlier]]
            * data.count[earlier]
            * np.exp(-omega * (data.day[j] - data.day[earlier]))
        ).sum()
        assert excite[j] == pytest.approx(direct)


def test_kernel_columns_keep_each_events_offspring_in_the_study_area() -> None:
    sums = np.asarray(_column_normalised(GRID, 150.0).sum(axis=0)).ravel()
    np.testing.assert_allclose(sums, 1.0)


def _near_repeats(grid: SquareGrid, days: int, seed: int) -> Events:
    """Background events on the grid; each has Poisson(0.6) offspring 1 + Exp(5) days later, in
    a cell drawn from the model's own spatial kernel around the parent's cell."""
    rng = np.random.default_rng(seed)
    spread = _column_normalised(grid, 100.0).toarray()
    n = rng.poisson(0.02 * grid.n_cells * days)
    queue = list(zip(rng.integers(0, grid.n_cells, n), rng.uniform(0, days, n), strict=True))
    cells, times = [], []
    while queue:
        cell, t = queue.pop()
        cells.append(cell)
        times.append(t)
        for _ in range(rng.poisson(0.6)):
            child = t + 1 + rng.exponential(5.0)
            if child < days:
                queue.append((rng.choice(grid.n_cells, p=spread[:, cell]), child))
    x, y = grid.centres
    at = np.array(cells)
    seconds = (np.array(times) * 86400).astype(np.int64).astype("timedelta64[s]")
    return Events(x[at], y[at], np.datetime64("2020-01-01", "s") + seconds)


def test_near_repeats_are_found_by_etas_more_than_by_the_same_cell_model() -> None:
    days = 1600
    grid = SquareGrid(0.0, 0.0, 100.0, 15, 15)
    events = _near_repeats(grid, days, seed=3)
    start = np.datetime64("2020-01-01", "s") + np.timedelta64(days * 86400, "s")
    model, _ = fit(events, grid, start, window_days=days, bandwidth=100.0)
    same = fit_same_cell(events, grid, start, window_days=days)
    # The simulation's theta is 0.6 and its whole-day lags have mean 6 (omega = log 6/5).
    # The same-cell SEPP, which cannot see offspring in other cells, finds far less.
    assert model.theta == pytest.approx(0.6, abs=0.04)
    assert model.omega == pytest.approx(np.log(6 / 5), rel=0.1)
    assert same.theta < model.theta - 0.3


def test_on_less_history_etas_underestimates_theta_by_less_than_a_fifth() -> None:
    """A background per cell soaks up part of the bursts when each cell has few events (about
    20 here): 0.48 on 400 days. The kernel that was not a distribution over days found 0.30."""
    days = 400
    grid = SquareGrid(0.0, 0.0, 100.0, 15, 15)
    events = _near_repeats(grid, days, seed=3)
    start = np.datetime64("2020-01-01", "s") + np.timedelta64(days * 86400, "s")
    model, _ = fit(events, grid, start, window_days=days, bandwidth=100.0)
    assert 0.48 <= model.theta < 0.6


def test_with_a_kernel_narrower_than_a_cell_etas_is_the_same_cell_sepp() -> None:
    days = 300
    grid = SquareGrid(0.0, 0.0, 100.0, 10, 10)
    events = _near_repeats(grid, days, seed=4)
    start = np.datetime64("2020-01-01", "s") + np.timedelta64(days * 86400, "s")
    model, _ = fit(events, grid, start, window_days=days, bandwidth=1.0)
    same = fit_same_cell(events, grid, start, window_days=days)
    assert model.theta == pytest.approx(same.theta)
    assert model.omega == pytest.approx(same.omega)
    np.testing.assert_allclose(model.mu, same.mu)
