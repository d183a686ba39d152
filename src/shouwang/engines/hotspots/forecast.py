"""``forecast``: the one entry point the incidents app calls, and the registry of models.

Leakage is prevented by construction: a model function only ever receives
``events.before(start)``, so no model can see an event at or after the start of its window.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from . import blend, etas, kde, naive, prospective, sepp
from .errors import InvalidWindow, UnknownModel
from .events import Events, as_time
from .grid import Grid

FloatArray = npt.NDArray[np.float64]
Model = Callable[[Events, Grid, np.datetime64, np.timedelta64], FloatArray]

_REGISTRY: dict[str, Model] = {
    "naive": naive.last_period,
    "naive_all": naive.all_past,
    "kde": kde.retrospective,
    "prospective": prospective.prospective,
    "sepp": sepp.grid_sepp,
    "etas": etas.grid_etas,
    "blend": blend.blend,
}
# "best" is the model the benchmark supports; it resolves to a registered model.
_BEST = "blend"

MODELS: tuple[str, ...] = (*_REGISTRY, "best")


def as_horizon(horizon: np.timedelta64 | int | str) -> np.timedelta64:
    """A window length in seconds; ints are days, strings like ``"7d"``, ``"2w"``, ``"1m"``."""
    if isinstance(horizon, np.timedelta64):
        value = np.timedelta64(horizon, "s")
    elif isinstance(horizon, int):
        value = np.timedelta64(horizon * 86400, "s")
    else:
        value = parse_horizon(horizon)
    if value <= np.timedelta64(0, "s"):
        raise InvalidWindow("the horizon must be positive", problem="horizon", horizon=str(horizon))
    return value


_UNITS = {"h": 3600, "d": 86400, "w": 7 * 86400, "m": 30 * 86400}


def parse_horizon(text: str) -> np.timedelta64:
    """``"8h"``, ``"7d"``, ``"2w"``, ``"1m"`` (a month is 30 days) as seconds."""
    text = text.strip().lower()
    number, unit = text[:-1], text[-1:]
    if unit not in _UNITS or not number.isdigit():
        raise InvalidWindow("a horizon looks like 7d, 2w, 1m or 8h", problem="format", horizon=text)
    return np.timedelta64(int(number) * _UNITS[unit], "s")


def forecast(
    events: Events,
    grid: Grid,
    start: np.datetime64 | str,
    horizon: np.timedelta64 | int | str,
    model: str = "best",
) -> FloatArray:
    """Risk of each cell for ``[start, start + horizon)``, higher = more expected incidents.

    Only events with ``t < start`` are used. Inactive cells get 0. The result has
    ``grid.n_cells`` values.
    """
    name = _BEST if model == "best" else model
    if name not in _REGISTRY:
        raise UnknownModel(f"unknown model {model!r}", model=model, known=MODELS)
    begin = as_time(start)
    risk = _REGISTRY[name](events.before(begin), grid, begin, as_horizon(horizon))
    risk = np.asarray(risk, dtype=np.float64)
    risk[~grid.active] = 0.0
    return risk
