"""Coordinate conversion: GCJ-02 / BD-09 round trips, a published reference point, EPSG."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shouwang.incidents.coords import (
    UnknownCrs,
    bd09_to_wgs84,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    normalise_crs,
    to_wgs84,
    utm_crs,
    wgs84_to_gcj02,
)

METRE = 1e-5  # about a metre, in degrees


def test_the_gcj02_offset_is_hundreds_of_metres_in_china_and_none_outside() -> None:
    lon, lat = wgs84_to_gcj02(np.array([116.397, 2.35]), np.array([39.909, 48.85]))
    assert 0.003 < lon[0] - 116.397 < 0.008  # Beijing: the well-known ~500 m shift
    assert 0.0005 < lat[0] - 39.909 < 0.003
    assert lon[1] == 2.35 and lat[1] == 48.85  # Paris: untouched


def test_it_matches_published_reference_points() -> None:
    # The test vectors of the gcoord library (hujiulong/gcoord, test/unit/crs/GCJ02.spec.js):
    # GCJ-02 (123, 45) is WGS-84 (122.99395597, 44.99804071) and BD-09 (123.00636499,
    # 45.00636899), to five decimals (about a metre).
    lon, lat = gcj02_to_wgs84(np.array([123.0]), np.array([45.0]))
    assert abs(lon[0] - 122.99395597) < METRE and abs(lat[0] - 44.99804071) < METRE
    lon, lat = gcj02_to_bd09(np.array([123.0]), np.array([45.0]))
    assert abs(lon[0] - 123.00636499) < METRE and abs(lat[0] - 45.00636899) < METRE


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=73.0, max_value=135.0), st.floats(min_value=18.0, max_value=53.0))
def test_gcj02_and_bd09_round_trip_to_a_millimetre(lon: float, lat: float) -> None:
    x, y = np.array([lon]), np.array([lat])
    back_lon, back_lat = gcj02_to_wgs84(*wgs84_to_gcj02(x, y))
    assert abs(back_lon[0] - lon) < 1e-8 and abs(back_lat[0] - lat) < 1e-8
    bd_lon, bd_lat = gcj02_to_bd09(*wgs84_to_gcj02(x, y))
    back_lon, back_lat = bd09_to_wgs84(bd_lon, bd_lat)
    assert abs(back_lon[0] - lon) < 1e-8 and abs(back_lat[0] - lat) < 1e-8


def test_to_wgs84_reads_every_kind_of_system() -> None:
    lon, lat = np.array([120.15]), np.array([30.25])
    gcj = wgs84_to_gcj02(lon, lat)
    bd = gcj02_to_bd09(*gcj)
    for x, y, crs in [(*gcj, "gcj02"), (*bd, "BD-09"), (lon, lat, "4326")]:
        got_lon, got_lat = to_wgs84(x, y, crs)
        assert abs(got_lon[0] - 120.15) < 1e-8 and abs(got_lat[0] - 30.25) < 1e-8
    # UTM 51N metres of the same point come back through pyproj.
    from pyproj import Transformer

    e, n = Transformer.from_crs("EPSG:4326", "EPSG:32651", always_xy=True).transform(120.15, 30.25)
    got_lon, got_lat = to_wgs84(np.array([e]), np.array([n]), "EPSG:32651")
    assert abs(got_lon[0] - 120.15) < 1e-7 and abs(got_lat[0] - 30.25) < 1e-7
    assert utm_crs(120.15, 30.25) == "EPSG:32651"


@pytest.mark.parametrize("text", ["", "EPSG:99999999", "mars", "EPSG:1"])
def test_it_rejects_unknown_systems(text: str) -> None:
    with pytest.raises(UnknownCrs):
        normalise_crs(text)


@pytest.mark.parametrize("module", ["coords", "dedupe", "periods", "alerts", "duty_rules"])
def test_the_pure_modules_do_not_import_django(module: str) -> None:
    code = f"import sys, shouwang.incidents.{module}; print('django' in sys.modules)"
    out = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"
