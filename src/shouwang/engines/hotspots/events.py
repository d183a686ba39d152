"""Incident points in a projected (metric) coordinate system with their times."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .errors import InvalidEvents

FloatArray = npt.NDArray[np.float64]
TimeArray = npt.NDArray[np.datetime64]


def as_time(value: np.datetime64 | str) -> np.datetime64:
    """One instant at one-second resolution, the unit every comparison in the engine uses."""
    return np.datetime64(value, "s")


@dataclass(frozen=True)
class Events:
    """Incidents: ``x``/``y`` in metres of any metric CRS, ``t`` as ``datetime64[s]``.

    The arrays are copied and validated once here so that every model can trust them.
    """

    x: FloatArray
    y: FloatArray
    t: TimeArray

    def __post_init__(self) -> None:
        x = np.asarray(self.x, dtype=np.float64)
        y = np.asarray(self.y, dtype=np.float64)
        try:
            t = np.asarray(self.t).astype("datetime64[s]")
        except (TypeError, ValueError) as exc:
            raise InvalidEvents("times are not datetimes", problem="times") from exc
        if x.ndim != 1 or x.shape != y.shape or x.shape != t.shape:
            raise InvalidEvents(
                "x, y and t must be 1-d arrays of one length",
                problem="shape",
                lengths=(x.size, y.size, t.size),
            )
        bad = ~(np.isfinite(x) & np.isfinite(y)) | np.isnat(t)
        if bad.any():
            first = int(np.flatnonzero(bad)[0])
            raise InvalidEvents(
                f"event {first} has a missing coordinate or time", problem="missing", index=first
            )
        object.__setattr__(self, "x", x)
        object.__setattr__(self, "y", y)
        object.__setattr__(self, "t", t)

    def __len__(self) -> int:
        return int(self.x.size)

    def select(self, keep: npt.NDArray[np.bool_]) -> Events:
        return Events(self.x[keep], self.y[keep], self.t[keep])

    def before(self, start: np.datetime64 | str) -> Events:
        """The events strictly before ``start``: all a forecast from ``start`` may see."""
        return self.select(self.t < as_time(start))

    def between(self, start: np.datetime64 | str, end: np.datetime64 | str) -> Events:
        """The events in ``[start, end)``."""
        return self.select((self.t >= as_time(start)) & (self.t < as_time(end)))
