"""Hotspot forecasting: where incidents will happen next, on square or H3 grids.

Pure NumPy/SciPy/shapely; no Django. The contract with the incidents app::

    events = Events(x=..., y=..., t=...)            # metres, datetime64[s]
    grid = SquareGrid.covering(events.x, events.y, cell=150.0)
    risk = forecast(events, grid, start=np.datetime64("2017-03-01"),
                    horizon=np.timedelta64(7, "D"), model="best")
    MODELS                                           # names forecast() accepts

``forecast`` uses only events strictly before ``start``.
"""

from .errors import (
    HotspotError,
    InputFileError,
    InvalidEvents,
    InvalidGrid,
    InvalidWindow,
    UnknownModel,
)
from .events import Events
from .forecast import MODELS, as_horizon, forecast
from .grid import Grid, SquareGrid
from .h3grid import H3Grid
from .projection import Projection

__all__ = [
    "MODELS",
    "Events",
    "Grid",
    "H3Grid",
    "HotspotError",
    "InputFileError",
    "InvalidEvents",
    "InvalidGrid",
    "InvalidWindow",
    "Projection",
    "SquareGrid",
    "UnknownModel",
    "as_horizon",
    "forecast",
]
