"""Coordinate systems of imported incidents, converted to WGS-84 (what H3 and GeoJSON use).

Any EPSG code goes through pyproj. The two Chinese web-map systems are not in EPSG:
GCJ-02 (the "Mars" datum of AutoNavi / Tencent maps, a deliberate non-linear offset of WGS-84)
and BD-09 (Baidu's further offset of GCJ-02). Their forward formulas are the published ones;
the inverses are solved by fixed-point iteration to 1e-10 degrees (~0.01 mm), where the usual
one-step inverse of GCJ-02 is only good to a few metres.

No Django here: pure functions over NumPy arrays.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import numpy.typing as npt
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

type Floats = npt.NDArray[np.float64]

GCJ02 = "GCJ-02"
BD09 = "BD-09"
WGS84 = "EPSG:4326"

_A = 6378245.0  # Krasovsky 1940 semi-major axis, as the GCJ-02 formulas use it
_EE = 0.00669342162296594323
_X_PI = np.pi * 3000.0 / 180.0
_TOLERANCE = 1e-10
_MAX_ITERATIONS = 30


class UnknownCrs(ValueError):
    """The text names no coordinate system we can convert from."""


def normalise_crs(text: str) -> str:
    """ "EPSG:2913", "GCJ-02" or "BD-09" for what a person may type ("2913", "gcj02", "wgs84")."""
    s = text.strip().upper().replace("_", "-").replace(" ", "")
    if s in {"GCJ-02", "GCJ02", "GCJ"}:
        return GCJ02
    if s in {"BD-09", "BD09", "BD09LL", "BAIDU"}:
        return BD09
    if s in {"WGS-84", "WGS84", "WGS-1984"}:
        return WGS84
    match = re.fullmatch(r"(?:EPSG:)?(\d{4,6})", s)
    if match is None:
        raise UnknownCrs(text)
    code = f"EPSG:{match.group(1)}"
    try:
        CRS.from_user_input(code)
    except CRSError:
        raise UnknownCrs(text) from None
    return code


@lru_cache(maxsize=32)
def _transformer(source: str, target: str) -> Transformer:
    return Transformer.from_crs(source, target, always_xy=True)


def _outside_china(lon: Floats, lat: Floats) -> npt.NDArray[np.bool_]:
    # The offset is applied only inside this box; outside it GCJ-02 equals WGS-84.
    return (lon < 72.004) | (lon > 137.8347) | (lat < 0.8293) | (lat > 55.8271)


def _delta(lon: Floats, lat: Floats) -> tuple[Floats, Floats]:
    x = lon - 105.0
    y = lat - 35.0
    d_lat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    d_lat += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    d_lat += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    d_lat += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    d_lon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    d_lon += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    d_lon += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    d_lon += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    rad = lat / 180.0 * np.pi
    magic = 1.0 - _EE * np.sin(rad) ** 2
    sqrt_magic = np.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * np.pi)
    d_lon = (d_lon * 180.0) / (_A / sqrt_magic * np.cos(rad) * np.pi)
    outside = _outside_china(lon, lat)
    return np.where(outside, 0.0, d_lon), np.where(outside, 0.0, d_lat)


def wgs84_to_gcj02(lon: Floats, lat: Floats) -> tuple[Floats, Floats]:
    d_lon, d_lat = _delta(lon, lat)
    return lon + d_lon, lat + d_lat


def gcj02_to_bd09(lon: Floats, lat: Floats) -> tuple[Floats, Floats]:
    z = np.sqrt(lon * lon + lat * lat) + 0.00002 * np.sin(lat * _X_PI)
    theta = np.arctan2(lat, lon) + 0.000003 * np.cos(lon * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def _bd09_to_gcj02_once(lon: Floats, lat: Floats) -> tuple[Floats, Floats]:
    x = lon - 0.0065
    y = lat - 0.006
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta), z * np.sin(theta)


def _invert(
    forward: object, lon: Floats, lat: Floats, first: tuple[Floats, Floats]
) -> tuple[Floats, Floats]:
    """Solve forward(p) = (lon, lat) for p by fixed-point iteration from `first`."""
    assert callable(forward)
    x, y = first
    for _ in range(_MAX_ITERATIONS):
        fx, fy = forward(x, y)
        ex, ey = fx - lon, fy - lat
        x, y = x - ex, y - ey
        if np.all(np.abs(ex) < _TOLERANCE) and np.all(np.abs(ey) < _TOLERANCE):
            break
    return x, y


def gcj02_to_wgs84(lon: Floats, lat: Floats) -> tuple[Floats, Floats]:
    return _invert(wgs84_to_gcj02, lon, lat, (lon, lat))


def bd09_to_gcj02(lon: Floats, lat: Floats) -> tuple[Floats, Floats]:
    return _invert(gcj02_to_bd09, lon, lat, _bd09_to_gcj02_once(lon, lat))


def bd09_to_wgs84(lon: Floats, lat: Floats) -> tuple[Floats, Floats]:
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


def to_wgs84(x: Floats, y: Floats, crs: str) -> tuple[Floats, Floats]:
    """(lon, lat) in WGS-84 of points given as x/y (lon/lat for geographic systems) in `crs`."""
    code = normalise_crs(crs)
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if code == GCJ02:
        return gcj02_to_wgs84(x, y)
    if code == BD09:
        return bd09_to_wgs84(x, y)
    if code == WGS84:
        return x, y
    lon, lat = _transformer(code, WGS84).transform(x, y)
    return np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)


def utm_crs(lon: float, lat: float) -> str:
    """The UTM zone (WGS-84) containing the point: metres for the forecasting engine."""
    zone = int((lon + 180.0) // 6.0) % 60 + 1
    return f"EPSG:{(32600 if lat >= 0 else 32700) + zone}"


def project(lon: Floats, lat: Floats, crs: str) -> tuple[Floats, Floats]:
    x, y = _transformer(WGS84, crs).transform(lon, lat)
    return np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)


def unproject(x: Floats, y: Floats, crs: str) -> tuple[Floats, Floats]:
    lon, lat = _transformer(crs, WGS84).transform(x, y)
    return np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)
