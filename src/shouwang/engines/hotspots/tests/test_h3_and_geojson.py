"""H3 grids for WGS-84 data, and forecast cells written as GeoJSON."""

from __future__ import annotations

import h3
import numpy as np
import pytest
import shapely

from shouwang.engines.hotspots import Events, SquareGrid, forecast
from shouwang.engines.hotspots.geojson import top_cells_geojson
from shouwang.engines.hotspots.h3grid import H3Grid
from shouwang.engines.hotspots.projection import Projection

# A cluster around one point of Cincinnati and noise around it, in lon/lat.
RNG = np.random.default_rng(8)
HOT_LON, HOT_LAT = -84.512, 39.103
LON = np.concatenate([HOT_LON + RNG.normal(0, 0.0005, 300), -84.5 + RNG.uniform(-0.03, 0.03, 300)])
LAT = np.concatenate([HOT_LAT + RNG.normal(0, 0.0005, 300), 39.1 + RNG.uniform(-0.03, 0.03, 300)])
START = np.datetime64("2018-01-01", "s")
T = START - (RNG.uniform(1, 365, LON.size) * 86400).astype(np.int64).astype("timedelta64[s]")


def _setup() -> tuple[Events, H3Grid, Projection]:
    projection = Projection.for_data(4326, LON, LAT)
    x, y = projection.to_metres(LON, LAT)
    return Events(x, y, T), H3Grid.covering(x, y, 9, projection), projection


def test_h3_cells_agree_with_h3_itself() -> None:
    events, grid, _ = _setup()
    cells = grid.cell_of(events.x, events.y)
    assert (cells >= 0).all()
    for i in range(0, LON.size, 37):
        assert grid.cells[cells[i]] == h3.latlng_to_cell(LAT[i], LON[i], 9)
    assert grid.cell_areas.mean() == pytest.approx(h3.average_hexagon_area(9, "m^2"), rel=0.1)


@pytest.mark.parametrize("model", ["naive_all", "kde", "sepp", "best"])
def test_models_find_the_cluster_on_an_h3_grid(model: str) -> None:
    events, grid, _ = _setup()
    risk = forecast(events, grid, START, "7d", model)
    assert grid.cells[int(np.argmax(risk))] == h3.latlng_to_cell(HOT_LAT, HOT_LON, 9)


def test_geojson_has_the_top_cells_in_wgs84_counter_clockwise() -> None:
    events, grid, projection = _setup()
    risk = forecast(events, grid, START, "7d", "naive_all")
    doc = top_cells_geojson(risk, grid, projection, 3, {"model": "naive_all"})
    assert doc["type"] == "FeatureCollection" and doc["model"] == "naive_all"
    assert [f["properties"]["rank"] for f in doc["features"]] == [1, 2, 3]
    first = doc["features"][0]
    ring = first["geometry"]["coordinates"][0]
    assert ring[0] == ring[-1]
    polygon = shapely.Polygon(ring)
    assert polygon.exterior.is_ccw
    assert polygon.contains(shapely.Point(HOT_LON, HOT_LAT))


def test_square_cells_go_back_to_lonlat_where_their_events_are() -> None:
    events, _, projection = _setup()
    grid = SquareGrid.covering(events.x, events.y, cell=150.0)
    risk = forecast(events, grid, START, "7d", "naive_all")
    doc = top_cells_geojson(risk, grid, projection, 1)
    polygon = shapely.Polygon(doc["features"][0]["geometry"]["coordinates"][0])
    assert polygon.exterior.is_ccw
    assert polygon.distance(shapely.Point(HOT_LON, HOT_LAT)) < 0.002  # within ~200 m
