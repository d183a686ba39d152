"""A slice of real data: Portland burglaries in Oregon State Plane North (EPSG:2913, US feet),
imported with a mapping as a command centre would, land where pyproj puts them."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import h3
import pytest
from pyproj import Transformer

from shouwang.common.testing import Cast
from shouwang.incidents.actions import do_import_incidents
from shouwang.incidents.models import Incident
from shouwang.orgs.actions import do_create_unit
from shouwang.orgs.choices import UnitKind

from .factories import mapping

DATA = Path(
    os.environ.get("SHOUWANG_DATA_DIR")
    or Path(__file__).resolve().parents[4] / ".." / "shared" / "data"
)
PORTLAND = DATA / "crime" / "portland_burglary.csv"
ROWS = 40


@pytest.mark.skipif(not PORTLAND.exists(), reason="the shared data set is not here")
def test_portland_burglaries_in_us_feet_land_in_portland(cast: Cast) -> None:
    with PORTLAND.open(encoding="utf-8") as f:
        rows = [r for _, r in zip(range(ROWS), csv.DictReader(f), strict=False)]
    to_wgs = Transformer.from_crs("EPSG:2913", "EPSG:4326", always_xy=True)
    points = [to_wgs.transform(float(r["x_coordina"]), float(r["y_coordina"])) for r in rows]
    cells = sorted({str(h3.latlng_to_cell(lat, lon, 8)) for lon, lat in points})
    grid = do_create_unit(
        code="990102001001099",
        name="波特兰测试网格",
        kind=UnitKind.GRID,
        parent=cast.community_a,
        h3_cells=cells,
        actor=None,
    )
    used = mapping(
        cast.alice,
        cast.station_a,
        name="Portland",
        crs="2913",
        time_column="occ_date",
        category_column="call_group_type",
        category_values={"4": "burglary"},
        x_column="x_coordina",
        y_column="y_coordina",
        address_column="",
        external_id_column="",
        duplicate_minutes=0,  # the source records the date only
    )
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    result = do_import_incidents(
        io.BytesIO(text.getvalue().encode()), filename="portland.csv", mapping=used,
        actor=cast.alice,
    )  # fmt: skip
    assert result.errors == [] and result.imported == ROWS
    stored = list(Incident.objects.order_by("pk").values_list("lon", "lat", "unit_id", "raw_crs"))
    for (lon, lat), (s_lon, s_lat, unit_id, crs) in zip(points, stored, strict=True):
        assert abs(s_lon - lon) < 1e-6 and abs(s_lat - lat) < 1e-6
        assert unit_id == grid.pk and crs == "EPSG:2913"
        assert 45.4 < s_lat < 45.7 and -122.9 < s_lon < -122.4  # Portland, Oregon
