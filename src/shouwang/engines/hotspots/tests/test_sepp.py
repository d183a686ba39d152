"""The grid SEPP: its recursion against brute force, and EM on a simulated process."""

from __future__ import annotations

import numpy as np
import pytest

from shouwang.engines.hotspots import Events, SquareGrid
from shouwang.engines.hotspots.sepp import _cell_days, _excitation, fit


def test_recursion_equals_the_direct_sums() -> None:
    rng = np.random.default_rng(3)
    cells = rng.integers(0, 4, 200)
    days = rng.integers(0, 60, 200)
    data = _cell_days(cells.astype(np.int64), days.astype(np.int64))
    omega = 0.3
    excite, lagged = _excitation(data, omega)
    for j in range(data.day.size):
        earlier = (data.row == data.row[j]) & (data.day < data.day[j])
        lag = data.day[j] - data.day[earlier]
        assert excite[j] == pytest.approx((data.count[earlier] * np.exp(-omega * lag)).sum())
        assert lagged[j] == pytest.approx((data.count[earlier] * lag * np.exp(-omega * lag)).sum())


def _simulate(mu: float, theta: float, omega: float, days: int, cells: int, seed: int) -> Events:
    """Background events per cell plus offspring (Poisson(theta) each, exponential delays)."""
    rng = np.random.default_rng(seed)
    cell_list: list[int] = []
    day_list: list[float] = []
    queue = [
        (c, float(t)) for c in range(cells) for t in rng.uniform(0, days, rng.poisson(mu * days))
    ]
    while queue:
        cell, t = queue.pop()
        cell_list.append(cell)
        day_list.append(t)
        for delay in rng.exponential(1.0 / omega, rng.poisson(theta)):
            # Offspring come at least a day later: the model does not link same-day events.
            if t + 1 + delay < days:
                queue.append((cell, t + 1 + delay))
    x = (np.array(cell_list) + 0.5) * 100.0
    seconds = (np.array(day_list) * 86400).astype(np.int64)
    return Events(x, np.full(x.size, 50.0), np.datetime64("2020-01-01", "s") + seconds)


def test_em_recovers_the_parameters_of_a_simulated_process() -> None:
    days = 1000
    events = _simulate(mu=0.05, theta=0.5, omega=0.2, days=days, cells=40, seed=11)
    grid = SquareGrid(0.0, 0.0, 100.0, nx=40, ny=1)
    start = np.datetime64("2020-01-01", "s") + np.timedelta64(days * 86400, "s")
    model = fit(events, grid, start, window_days=days)
    assert model.theta == pytest.approx(0.5, abs=0.1)
    # Delays are 1 + Exp(0.2) days in the simulation; the fitted decay is close to 1 / 6.
    assert model.omega == pytest.approx(1 / 6, rel=0.35)
    assert model.mu.mean() == pytest.approx(0.05, rel=0.25)


def test_no_self_excitation_is_found_in_a_plain_poisson_process() -> None:
    days = 1000
    events = _simulate(mu=0.2, theta=0.0, omega=1.0, days=days, cells=20, seed=5)
    grid = SquareGrid(0.0, 0.0, 100.0, nx=20, ny=1)
    start = np.datetime64("2020-01-01", "s") + np.timedelta64(days * 86400, "s")
    assert fit(events, grid, start, window_days=days).theta < 0.05
