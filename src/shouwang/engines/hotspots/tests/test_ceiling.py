"""The hindsight ceilings start from exactly the all-past map and see what it cannot."""

from __future__ import annotations

import numpy as np

from shouwang.engines.hotspots import Events, forecast
from shouwang.engines.hotspots.ceiling import hindsight_blend, interleaved
from shouwang.engines.hotspots.counts import cell_counts
from shouwang.engines.hotspots.evaluate import weekly_starts
from shouwang.engines.hotspots.metrics import score

from . import synthetic

WEEK = np.timedelta64(7 * 86400, "s")
FIRST = synthetic.START + np.timedelta64(synthetic.DAYS, "D")
NEW_CELL = 125  # quiet in the synthetic history


def _with_new_hotspot(per_week: int = 5, weeks: int = 8) -> Events:
    """The synthetic year, then ``weeks`` weeks in which NEW_CELL has ``per_week`` incidents."""
    past = synthetic.events()
    rng = np.random.default_rng(3)
    n = per_week * weeks
    col, row = NEW_CELL % synthetic.SIDE, NEW_CELL // synthetic.SIDE
    x = rng.uniform(col * synthetic.CELL, (col + 1) * synthetic.CELL, n)
    y = rng.uniform(row * synthetic.CELL, (row + 1) * synthetic.CELL, n)
    seconds = (np.repeat(np.arange(weeks), per_week) * 7 + rng.uniform(0, 7, n)) * 86400
    t = FIRST + seconds.astype(np.int64).astype("timedelta64[s]")
    return Events(
        np.concatenate([past.x, x]), np.concatenate([past.y, y]), np.concatenate([past.t, t])
    )


def test_both_ceilings_start_from_the_hits_of_the_all_past_map() -> None:
    grid = synthetic.grid()
    events = _with_new_hotspot()
    starts = weekly_starts(FIRST, 4)
    naive_hits = [
        score(
            forecast(events, grid, s, WEEK, "naive_all"),
            cell_counts(events.between(s, s + WEEK), grid),
            grid,
            4,
        ).hits
        for s in starts
    ]
    np.testing.assert_array_equal(interleaved(events, grid, starts, WEEK, 4).naive, naive_hits)
    np.testing.assert_array_equal(
        hindsight_blend(events, grid, starts, WEEK, 4).caught[:, 0], naive_hits
    )


def test_the_interleaved_oracle_catches_a_hotspot_that_only_the_evaluated_weeks_show() -> None:
    grid = synthetic.grid()
    result = interleaved(_with_new_hotspot(), grid, weekly_starts(FIRST, 8), WEEK, 4)
    # Only the new cell has incidents in these weeks. The all-past map needs two weeks of them
    # before it outranks the background cells; the oracle knows it from the first week.
    assert result.naive[:2].sum() == 0
    np.testing.assert_array_equal(result.oracle, np.full(8, 5.0))


def test_the_hindsight_choice_is_the_candidate_that_caught_most() -> None:
    grid = synthetic.grid()
    result = hindsight_blend(_with_new_hotspot(), grid, weekly_starts(FIRST, 8), WEEK, 4)
    totals = result.caught.sum(axis=0)
    assert totals[result.best] == totals.max() >= totals[0]
    assert result.caught.shape == (8, len(result.weights))
