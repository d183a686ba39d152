"""The API the incidents app relies on: Events, SquareGrid, forecast, MODELS."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from shouwang.engines.hotspots import (
    MODELS,
    Events,
    InvalidEvents,
    InvalidGrid,
    InvalidWindow,
    SquareGrid,
    UnknownModel,
    as_horizon,
    forecast,
)

from . import synthetic

WEEK = np.timedelta64(7, "D")
FORECAST_START = synthetic.START + np.timedelta64(synthetic.DAYS, "D")


def test_engine_imports_no_django() -> None:
    code = (
        "import sys, shouwang.engines.hotspots as h; "
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django'; "
        "assert not [m for m in sys.modules if m.startswith('shouwang.') "
        "and not m.startswith('shouwang.engines')], 'app'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)  # noqa: S603 (fixed code)


def test_models_include_the_contracted_names() -> None:
    for name in ("naive", "kde", "prospective", "sepp", "best"):
        assert name in MODELS


@pytest.mark.parametrize("model", MODELS)
def test_every_model_ranks_the_known_hotspots_first(model: str) -> None:
    grid = synthetic.grid()
    risk = forecast(synthetic.events(), grid, start=FORECAST_START, horizon=WEEK, model=model)
    assert risk.shape == (grid.n_cells,)
    assert risk.dtype == np.float64
    top = set(np.argsort(-risk, kind="stable")[:3].tolist())
    assert top == set(synthetic.HOTSPOTS)


@pytest.mark.parametrize("model", MODELS)
def test_no_model_uses_events_at_or_after_the_start(model: str) -> None:
    grid = synthetic.grid()
    past = synthetic.events()
    before = forecast(past, grid, start=FORECAST_START, horizon=WEEK, model=model)
    # A huge cluster exactly at the start and after it, in a cell that is otherwise quiet.
    n = 5000
    rng = np.random.default_rng(1)
    offsets = np.concatenate([np.zeros(n // 2), rng.uniform(0, 30 * 86400, n - n // 2)])
    future = Events(
        np.full(n, 1550.0),
        np.full(n, 1550.0),
        FORECAST_START + offsets.astype(np.int64).astype("timedelta64[s]"),
    )
    both = Events(
        np.concatenate([past.x, future.x]),
        np.concatenate([past.y, future.y]),
        np.concatenate([past.t, future.t]),
    )
    after = forecast(both, grid, start=FORECAST_START, horizon=WEEK, model=model)
    np.testing.assert_array_equal(before, after)


def test_the_leak_check_would_catch_a_model_that_peeks() -> None:
    # The same cluster one second before the start does change the naive map: the check above
    # is able to fail.
    grid = synthetic.grid()
    past = synthetic.events()
    start = FORECAST_START
    before = forecast(past, grid, start=start, horizon=WEEK, model="naive")
    late = Events(
        np.append(past.x, 1550.0),
        np.append(past.y, 1550.0),
        np.append(past.t, start - np.timedelta64(1, "s")),
    )
    after = forecast(late, grid, start=start, horizon=WEEK, model="naive")
    assert after[grid.cell_of(np.array([1550.0]), np.array([1550.0]))[0]] > 0
    assert not np.array_equal(before, after)


def test_inactive_cells_get_no_risk() -> None:
    mask = np.ones(synthetic.SIDE**2, dtype=bool)
    mask[synthetic.HOTSPOTS[0]] = False
    grid = SquareGrid(0.0, 0.0, synthetic.CELL, synthetic.SIDE, synthetic.SIDE, mask=mask)
    risk = forecast(synthetic.events(), grid, start=FORECAST_START, horizon=WEEK, model="naive")
    assert risk[synthetic.HOTSPOTS[0]] == 0.0
    assert risk[synthetic.HOTSPOTS[1]] > 0.0


def test_unknown_model_is_a_typed_error() -> None:
    with pytest.raises(UnknownModel) as info:
        forecast(synthetic.events(), synthetic.grid(), FORECAST_START, WEEK, model="oracle")
    assert info.value.details["model"] == "oracle"


def test_grid_numbers_cells_row_by_row() -> None:
    grid = SquareGrid(1000.0, 2000.0, 150.0, nx=4, ny=3)
    assert grid.n_cells == 12
    x = np.array([1000.0, 1149.9, 1150.0, 1599.0, 999.0, 1000.0, 1100.0])
    y = np.array([2000.0, 2000.0, 2000.0, 2449.0, 2000.0, 2450.0, 2160.0])
    assert grid.cell_of(x, y).tolist() == [0, 0, 1, 11, -1, -1, 4]
    assert grid.cell_bounds(5) == (1150.0, 2150.0, 1300.0, 2300.0)


def test_covering_grid_holds_every_point() -> None:
    ev = synthetic.events()
    grid = SquareGrid.covering(ev.x, ev.y, cell=150.0)
    cells = grid.cell_of(ev.x, ev.y)
    assert (cells >= 0).all()
    for i, x, y in zip(cells[:50], ev.x[:50], ev.y[:50], strict=True):
        xmin, ymin, xmax, ymax = grid.cell_bounds(int(i))
        assert xmin <= x < xmax and ymin <= y < ymax


def test_masked_cells_are_outside() -> None:
    mask = np.array([True, False, True, True])
    grid = SquareGrid(0.0, 0.0, 10.0, 2, 2, mask=mask)
    assert grid.cell_of(np.array([5.0, 15.0]), np.array([5.0, 5.0])).tolist() == [0, -1]


def test_bad_grids_and_events_are_refused() -> None:
    with pytest.raises(InvalidGrid):
        SquareGrid(0, 0, 0.0, 3, 3)
    with pytest.raises(InvalidGrid):
        SquareGrid(0, 0, 10.0, 2, 2, mask=np.zeros(3, dtype=bool))
    with pytest.raises(InvalidEvents):
        Events(np.zeros(2), np.zeros(3), np.zeros(2, dtype="datetime64[s]"))
    with pytest.raises(InvalidEvents) as info:
        Events(np.array([0.0, np.nan]), np.zeros(2), np.zeros(2, dtype="datetime64[s]"))
    assert info.value.details["index"] == 1


def test_horizons_parse_from_text_days_and_timedeltas() -> None:
    assert as_horizon("7d") == np.timedelta64(7 * 86400, "s")
    assert as_horizon("2w") == np.timedelta64(14 * 86400, "s")
    assert as_horizon("1m") == np.timedelta64(30 * 86400, "s")
    assert as_horizon(3) == np.timedelta64(3 * 86400, "s")
    assert as_horizon(np.timedelta64(8, "h")) == np.timedelta64(8 * 3600, "s")
    for bad in ("7", "x d", "0d"):
        with pytest.raises(InvalidWindow):
            as_horizon(bad)


@pytest.mark.parametrize("model", ["naive_all", "kde", "sepp", "best"])
def test_rate_models_forecast_expected_incidents(model: str) -> None:
    # 2,400 events in a year: about 46 in a week, whatever the model spreads them over.
    risk = forecast(synthetic.events(), synthetic.grid(), FORECAST_START, WEEK, model)
    assert risk.sum() == pytest.approx(2400 * 7 / 365, rel=0.1)
