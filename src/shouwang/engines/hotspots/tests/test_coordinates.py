"""Coordinates: two source systems land on the same cells; files and boundaries read in metres."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyproj
import pytest
import shapely

from shouwang.engines.hotspots import InputFileError, SquareGrid
from shouwang.engines.hotspots.projection import Projection
from shouwang.engines.hotspots.reading import read_boundary, read_events

# Points around central Portland in Oregon State Plane North (EPSG:2913, international feet).
RNG = np.random.default_rng(2)
FEET_X = 7_640_000 + RNG.uniform(0, 30_000, 300)
FEET_Y = 680_000 + RNG.uniform(0, 30_000, 300)


def test_state_plane_feet_and_lonlat_land_on_the_same_utm_cells() -> None:
    lon, lat = pyproj.Transformer.from_crs("EPSG:2913", "EPSG:4326", always_xy=True).transform(
        FEET_X, FEET_Y
    )
    from_feet = Projection.for_data("2913", FEET_X, FEET_Y, metric="32610")
    from_lonlat = Projection.for_data(4326, lon, lat, metric="32610")
    ax, ay = from_feet.to_metres(FEET_X, FEET_Y)
    bx, by = from_lonlat.to_metres(lon, lat)
    grid = SquareGrid.covering(ax, ay, cell=150.0, margin=300.0)
    np.testing.assert_array_equal(grid.cell_of(ax, ay), grid.cell_of(bx, by))
    assert (grid.cell_of(ax, ay) >= 0).all()


def test_projected_sources_are_scaled_to_metres_and_lonlat_goes_to_its_utm_zone() -> None:
    feet = Projection.for_data("EPSG:2913", FEET_X, FEET_Y)
    mx, _ = feet.to_metres(FEET_X[:1], FEET_Y[:1])
    assert mx[0] == pytest.approx(FEET_X[0] * 0.3048)
    cincinnati = Projection.for_data(4326, np.array([-84.5]), np.array([39.1]))
    assert cincinnati.metric.to_epsg() == 32616


def test_metres_go_back_to_the_same_lonlat() -> None:
    lon, lat = np.array([-84.51, -84.49]), np.array([39.10, 39.15])
    projection = Projection.for_data(4326, lon, lat)
    back_lon, back_lat = projection.to_lonlat(*projection.to_metres(lon, lat))
    np.testing.assert_allclose(back_lon, lon, atol=1e-9)
    np.testing.assert_allclose(back_lat, lat, atol=1e-9)


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_reading_events_converts_feet_and_parses_dates(tmp_path: Path) -> None:
    csv = _write(tmp_path / "e.csv", "when,ex,ny\n2017-03-01,1000,2000\n2017-03-02T13:30:00Z,0,0\n")
    loaded = read_events(csv, "2913", x_col="ex", y_col="ny", time_col="when")
    assert loaded.events.x.tolist() == pytest.approx([304.8, 0.0])
    assert loaded.events.t.tolist()[1] == np.datetime64("2017-03-02T13:30:00").item()


def test_a_bad_row_is_reported_with_its_row_and_column(tmp_path: Path) -> None:
    csv = _write(tmp_path / "e.csv", "t,x,y\n2017-03-01,1,2\n2017-03-02,NA,2\n")
    with pytest.raises(InputFileError) as info:
        read_events(csv, "2913")
    assert info.value.details["row"] == 3 and info.value.details["column"] == "x"
    bad_time = _write(tmp_path / "t.csv", "t,x,y\n2017-03-01,1,2\nyesterday,1,2\n")
    with pytest.raises(InputFileError) as info:
        read_events(bad_time, "2913")
    assert info.value.details["row"] == 3 and info.value.details["column"] == "t"
    with pytest.raises(InputFileError) as info:
        read_events(csv, "2913", x_col="easting")
    assert info.value.details["column"] == "easting"


def test_rows_without_position_can_be_skipped_and_are_listed(tmp_path: Path) -> None:
    csv = _write(tmp_path / "e.csv", "t,x,y\n2017-03-01,1,2\n2017-03-02,NA,2\n2017-03-03,5,5\n")
    loaded = read_events(csv, "2913", skip_invalid=True)
    assert len(loaded.events) == 2 and loaded.skipped == (3,)


def test_boundary_masks_the_cells_outside_it(tmp_path: Path) -> None:
    ring = "x,y\n0,0\n3280.84,0\n3280.84,3280.84\n0,0\n"  # a right triangle of 1 km sides in feet
    boundary = read_boundary(
        _write(tmp_path / "b.csv", ring), Projection.for_data(2913, np.zeros(1), np.zeros(1))
    )
    assert boundary.area == pytest.approx(500_000.0, rel=1e-4)
    grid = SquareGrid.inside(boundary, cell=100.0)
    assert grid.nx == 11 and grid.ny == 11
    # Cells above the diagonal y = x (not touching it) are outside the study area.
    assert grid.cell_of(np.array([150.0]), np.array([850.0]))[0] == -1
    assert grid.cell_of(np.array([850.0]), np.array([150.0]))[0] >= 0
    assert shapely.box(*grid.cell_bounds(int(np.flatnonzero(grid.active)[0]))).intersects(boundary)


def test_a_missing_file_is_a_typed_error(tmp_path: Path) -> None:
    with pytest.raises(InputFileError) as info:
        read_events(tmp_path / "nope.csv", "2913")
    assert info.value.details["problem"] == "not_found"
