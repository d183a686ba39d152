"""Coordinates in and out of the engine: any EPSG CRS to metres, metres back to WGS-84.

A projected source (e.g. Oregon State Plane in feet) is kept and only scaled to metres, so its
cells stay aligned with the source's axes; a geographic source (lon/lat) goes to the UTM zone of
its data. A caller may also name the metric CRS, which is how two sources are put on one grid.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyproj

from .errors import InvalidEvents

FloatArray = npt.NDArray[np.float64]
WGS84 = "EPSG:4326"


def crs_of(value: str | int) -> pyproj.CRS:
    text = f"EPSG:{value}" if isinstance(value, int) or str(value).isdigit() else str(value)
    try:
        return pyproj.CRS.from_user_input(text)
    except pyproj.exceptions.CRSError as exc:
        raise InvalidEvents(f"unknown CRS {value!r}", problem="crs", crs=str(value)) from exc


@functools.lru_cache(maxsize=32)
def _transformer(source: pyproj.CRS, target: pyproj.CRS) -> pyproj.Transformer:
    """Transformers are slow to build and reused for every batch of points."""
    return pyproj.Transformer.from_crs(source, target, always_xy=True)


def utm_zone(lon: float, lat: float) -> pyproj.CRS:
    """The WGS-84 UTM zone holding ``(lon, lat)``."""
    zone = int(np.floor((lon + 180.0) / 6.0)) % 60 + 1
    return pyproj.CRS.from_epsg((32600 if lat >= 0 else 32700) + zone)


@dataclass(frozen=True)
class Projection:
    """From a source CRS to the metric plane the grid lives in (``scale`` metres per unit)."""

    source: pyproj.CRS
    metric: pyproj.CRS
    scale: float

    @classmethod
    def for_data(
        cls, source: str | int, x: FloatArray, y: FloatArray, metric: str | int | None = None
    ) -> Projection:
        src = crs_of(source)
        if metric is not None:
            return cls(src, crs_of(metric), 1.0)
        if src.is_projected:
            return cls(src, src, float(src.axis_info[0].unit_conversion_factor))
        if len(x) == 0:
            raise InvalidEvents("no points to choose a UTM zone from", problem="empty")
        to_lonlat = pyproj.Transformer.from_crs(src, WGS84, always_xy=True)
        lon, lat = to_lonlat.transform(np.median(x), np.median(y))
        return cls(src, utm_zone(float(lon), float(lat)), 1.0)

    def to_metres(self, x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
        if self.source == self.metric:
            return np.asarray(x, float) * self.scale, np.asarray(y, float) * self.scale
        forward = _transformer(self.source, self.metric)
        mx, my = forward.transform(np.asarray(x, float), np.asarray(y, float))
        return np.asarray(mx, dtype=np.float64), np.asarray(my, dtype=np.float64)

    def to_metres_from_lonlat(
        self, lon: FloatArray, lat: FloatArray
    ) -> tuple[FloatArray, FloatArray]:
        """WGS-84 longitude and latitude to the grid's metres."""
        forward = _transformer(pyproj.CRS.from_user_input(WGS84), self.metric)
        mx, my = forward.transform(np.asarray(lon, float), np.asarray(lat, float))
        return np.asarray(mx, float) * self.scale, np.asarray(my, float) * self.scale

    def to_lonlat(self, x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Metres of the grid back to WGS-84 longitude and latitude (GeoJSON's order)."""
        back = _transformer(self.metric, pyproj.CRS.from_user_input(WGS84))
        sx = np.asarray(x, float) / self.scale
        sy = np.asarray(y, float) / self.scale
        lon, lat = back.transform(sx, sy)
        return np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)
