"""A small synthetic incident process whose hotspots are known, shared by the tests."""

from __future__ import annotations

import numpy as np

from shouwang.engines.hotspots import Events, SquareGrid

CELL = 100.0
SIDE = 20  # cells per side: a 2 km square
HOTSPOTS = (47, 212, 333)  # flat cell indices of the three places where most incidents happen
START = np.datetime64("2020-01-01T00:00:00", "s")
DAYS = 365


def grid() -> SquareGrid:
    return SquareGrid(0.0, 0.0, CELL, SIDE, SIDE)


def events(
    seed: int = 7, days: int = DAYS, background: int = 600, per_hotspot: int = 600
) -> Events:
    """Uniform background noise plus ``per_hotspot`` incidents inside each hotspot cell."""
    rng = np.random.default_rng(seed)
    xs = [rng.uniform(0, SIDE * CELL, background)]
    ys = [rng.uniform(0, SIDE * CELL, background)]
    for cell in HOTSPOTS:
        col, row = cell % SIDE, cell // SIDE
        xs.append(rng.uniform(col * CELL, (col + 1) * CELL, per_hotspot))
        ys.append(rng.uniform(row * CELL, (row + 1) * CELL, per_hotspot))
    x, y = np.concatenate(xs), np.concatenate(ys)
    seconds = rng.uniform(0, days * 86400, x.size).astype(np.int64)
    return Events(x, y, START + seconds.astype("timedelta64[s]"))
