"""PAI, hit rate, PEI, pooling, bootstrap intervals and the concentration report."""

from __future__ import annotations

import numpy as np
import pytest

from shouwang.engines.hotspots import InvalidWindow, SquareGrid
from shouwang.engines.hotspots.concentration import concentration
from shouwang.engines.hotspots.evaluate import bootstrap_indices, pooled, relative_gain
from shouwang.engines.hotspots.metrics import (
    Score,
    n_flagged,
    pooled_pai,
    score,
    top_cells,
)

# Ten cells of 100 m x 100 m in a row; the forecast ranks cells 3 and 7 highest.
GRID = SquareGrid(0.0, 0.0, 100.0, nx=10, ny=1)
RISK = np.array([0.1, 0.0, 0.0, 0.9, 0.0, 0.0, 0.0, 0.5, 0.0, 0.0])
ACTUAL = np.array([3.0, 2.0, 0.0, 4.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0])


def test_pai_matches_the_hand_computed_example() -> None:
    # Flag 2 of 10 cells (20% of the area). They hold 4 + 1 = 5 of the 10 incidents (50%).
    # PAI = 0.5 / 0.2 = 2.5. The best two cells hold 4 + 3 = 7, so PEI = 5 / 7.
    k = n_flagged(GRID, area=20_000.0)
    assert k == 2
    result = score(RISK, ACTUAL, GRID, k)
    assert result.hits == 5.0 and result.total == 10.0
    assert result.hit_rate == pytest.approx(0.5)
    assert result.area_share == pytest.approx(0.2)
    assert result.pai == pytest.approx(2.5)
    assert result.pei == pytest.approx(5 / 7)


def test_flagged_area_rounds_down_to_whole_cells() -> None:
    assert n_flagged(GRID, area=29_999.0) == 2
    assert n_flagged(GRID, area=10.0**9) == 10
    with pytest.raises(InvalidWindow):
        n_flagged(GRID, area=9_999.0)


def test_equal_risks_are_flagged_by_cell_index() -> None:
    flat = np.zeros(10)
    assert top_cells(flat, GRID, 3).tolist() == [0, 1, 2]


def test_inactive_cells_are_neither_flagged_nor_counted() -> None:
    mask = np.ones(10, dtype=bool)
    mask[3] = False
    grid = SquareGrid(0.0, 0.0, 100.0, nx=10, ny=1, mask=mask)
    result = score(RISK, ACTUAL, grid, 2)
    assert top_cells(RISK, grid, 2).tolist() == [7, 0]
    assert result.total == 6.0 and result.hits == 4.0
    assert result.area_share == pytest.approx(2 / 9)


def test_pooled_pai_weights_windows_by_their_incidents() -> None:
    a = Score(hits=5, total=10, best_hits=7, flagged_area=2.0, total_area=10.0)
    b = Score(hits=0, total=30, best_hits=9, flagged_area=2.0, total_area=10.0)
    assert pooled_pai([a, b]) == pytest.approx((5 / 40) / 0.2)


def _week(hits: float, total: float = 10.0) -> Score:
    return Score(hits=hits, total=total, best_hits=total, flagged_area=1.0, total_area=100.0)


def test_bootstrap_interval_brackets_the_pooled_value() -> None:
    weeks = [_week(h) for h in (1, 2, 3, 4, 5, 2, 3, 4)]
    index = bootstrap_indices(len(weeks), draws=500, seed=1)
    interval = pooled(weeks, index, pai=True)
    assert interval.value == pytest.approx((24 / 80) / 0.01)
    assert interval.low < interval.value < interval.high


def test_gain_over_itself_is_exactly_zero_and_a_better_model_excludes_zero() -> None:
    base = [_week(h) for h in (1, 2, 3, 4, 5, 2, 3, 4)]
    better = [_week(h + 1) for h in (1, 2, 3, 4, 5, 2, 3, 4)]
    index = bootstrap_indices(len(base), draws=500, seed=1)
    same = relative_gain(base, base, index)
    assert (same.value, same.low, same.high) == (0.0, 0.0, 0.0)
    gain = relative_gain(better, base, index)
    assert gain.value == pytest.approx(32 / 24 - 1)
    assert gain.low > 0


def test_concentration_sees_repeated_and_changing_flags() -> None:
    same = concentration([np.array([1, 2, 3])] * 4)
    assert same.mean_jaccard == 1.0 and same.distinct_cells == 3 and same.always_share == 1.0
    moving = concentration([np.array([1, 2]), np.array([3, 4]), np.array([1, 3])])
    assert moving.mean_jaccard == pytest.approx((0 + 1 / 3) / 2)
    assert moving.distinct_cells == 4 and moving.always_share == 0.0
