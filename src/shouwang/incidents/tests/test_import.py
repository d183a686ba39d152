"""Importing incident files with a saved mapping: coordinates, units, errors, duplicates."""

from __future__ import annotations

import io

import numpy as np
import openpyxl
import pytest
from django.core.exceptions import ValidationError

from shouwang.audit.models import AuditEvent
from shouwang.common.errors import NotPermitted
from shouwang.common.testing import POINT_A, POINT_B, Cast
from shouwang.incidents.actions import do_import_incidents
from shouwang.incidents.coords import gcj02_to_bd09, wgs84_to_gcj02
from shouwang.incidents.models import Incident
from shouwang.orgs.geo import cell_of

from .factories import csv_file, mapping, xlsx_file

LAT, LON = POINT_A
# Three places in grid A, a few hundred metres apart.
PLACES = [(LAT, LON), (LAT + 0.003, LON + 0.002), (LAT - 0.002, LON - 0.003)]


def _rows_wgs84() -> list[list[object]]:
    return [
        ["2026-03-01 08:15", "盗窃(入室)", lon, lat, "东门路 1 号", f"J{i}"]
        for i, (lat, lon) in enumerate(PLACES)
    ]


def test_two_coordinate_systems_land_on_the_same_cells(cast: Cast) -> None:
    wgs = mapping(cast.alice, cast.station_a, name="WGS")
    # The same three incidents from three systems would be near-duplicates of each other.
    gcj = mapping(cast.alice, cast.station_a, name="GCJ", crs="GCJ-02", duplicate_minutes=0)
    bd = mapping(cast.alice, cast.station_a, name="BD", crs="bd09", duplicate_minutes=0)
    lats = np.array([p[0] for p in PLACES])
    lons = np.array([p[1] for p in PLACES])
    g_lon, g_lat = wgs84_to_gcj02(lons, lats)
    b_lon, b_lat = gcj02_to_bd09(g_lon, g_lat)
    in_gcj = [
        [r[0], r[1], x, y, r[4], r[5]] for r, x, y in zip(_rows_wgs84(), g_lon, g_lat, strict=True)
    ]
    in_bd = [
        [r[0], r[1], x, y, r[4], r[5]] for r, x, y in zip(_rows_wgs84(), b_lon, b_lat, strict=True)
    ]
    for file, name, used in [
        (csv_file(_rows_wgs84()), "a.csv", wgs),
        (xlsx_file(in_gcj), "b.xlsx", gcj),
        (csv_file(in_bd), "c.csv", bd),
    ]:
        result = do_import_incidents(file, filename=name, mapping=used, actor=cast.alice)
        assert result.errors == [] and result.imported == 3 and result.duplicates == []
    by_source = {
        name: list(
            Incident.objects.filter(source_system=name)
            .order_by("external_id")
            .values_list("h3_cell", "unit_id", "lat", "lon")
        )
        for name in ("WGS", "GCJ", "BD")
    }
    expected = [cell_of(lat, lon) for lat, lon in PLACES]
    for rows in by_source.values():
        assert [r[0] for r in rows] == expected
        assert {r[1] for r in rows} == {cast.grid_a.pk}
        for (lat, lon), r in zip(PLACES, rows, strict=True):
            assert abs(r[2] - lat) < 1e-6 and abs(r[3] - lon) < 1e-6
    gcj_row = Incident.objects.filter(source_system="GCJ").order_by("external_id").first()
    assert gcj_row is not None and gcj_row.raw_crs == "GCJ-02"
    assert (
        gcj_row.raw_x is not None and abs(gcj_row.raw_x - float(g_lon[0])) < 1e-9
    )  # the coordinates as received are kept


def test_a_projected_epsg_system_converts_through_pyproj(cast: Cast) -> None:
    from pyproj import Transformer

    utm = mapping(cast.alice, cast.station_a, name="UTM", crs="EPSG:32651")
    to_utm = Transformer.from_crs("EPSG:4326", "EPSG:32651", always_xy=True)
    rows = []
    for i, (lat, lon) in enumerate(PLACES):
        e, n = to_utm.transform(lon, lat)
        rows.append(["2026-03-01 08:15", "入室盗窃", round(e, 2), round(n, 2), "", f"U{i}"])
    result = do_import_incidents(csv_file(rows), filename="u.csv", mapping=utm, actor=cast.alice)
    assert result.imported == 3
    cells = list(Incident.objects.order_by("external_id").values_list("h3_cell", flat=True))
    assert cells == [cell_of(lat, lon) for lat, lon in PLACES]


def test_bad_rows_give_row_and_column_errors_and_write_nothing(cast: Cast) -> None:
    used = mapping(cast.alice, cast.station_a)
    rows = [
        *_rows_wgs84(),
        ["昨天晚上", "入室盗窃", LON, LAT, "", "X1"],
        ["2026-03-01 09:00", "外星人入侵", LON, LAT, "", "X2"],
        ["2026-03-01 09:00", "入室盗窃", "东经120度", LAT, "", "X3"],
        ["2026-03-01 09:00", "入室盗窃", 0.0, 0.0, "", "X4"],  # no grid there
    ]
    before = AuditEvent.objects.count()
    result = do_import_incidents(csv_file(rows), filename="bad.csv", mapping=used, actor=cast.alice)
    where = [(e.row, e.column, e.header, e.value) for e in result.errors]
    assert where == [
        (5, "A", "报警时间", "昨天晚上"),
        (6, "B", "警情类别", "外星人入侵"),
        (7, "C", "经度", "东经120度"),
        (8, "C", "经度", "0.0, 0.0"),
    ]
    assert result.imported == 0 and Incident.objects.count() == 0
    assert AuditEvent.objects.count() == before


def test_csv_errors_name_the_spreadsheet_row_past_blank_lines_and_multi_line_cells(
    cast: Cast,
) -> None:
    used = mapping(cast.alice, cast.station_a)
    text = (
        "报警时间,警情类别,经度,纬度,地址,警情编号\n"  # row 1
        "\n"  # row 2, blank
        f'2026-03-01 08:15,盗窃(入室),{LON},{LAT},"东门路\n1 号",J1\n'  # row 3
        "\n"  # row 4, blank
        f"2026-03-01 09:00,外星人入侵,{LON},{LAT},,J2\n"  # row 5
    )
    for line_end in ("\n", "\r\n", "\r"):
        file = io.BytesIO(text.replace("\n", line_end).encode())
        result = do_import_incidents(file, filename="a.csv", mapping=used, actor=cast.alice)
        assert [(e.row, e.column) for e in result.errors] == [(5, "B")], line_end


def test_workbook_errors_name_the_spreadsheet_row_past_empty_rows(cast: Cast) -> None:
    used = mapping(cast.alice, cast.station_a)
    book = openpyxl.load_workbook(xlsx_file(_rows_wgs84()[:1]))
    sheet = book.worksheets[0]
    for _ in range(3):
        sheet.append([])  # rows 3 to 5 left empty
    sheet.append(["2026-03-01 09:00", "外星人入侵", LON, LAT, "", "J2"])
    file = io.BytesIO()
    book.save(file)
    file.seek(0)
    result = do_import_incidents(file, filename="a.xlsx", mapping=used, actor=cast.alice)
    assert [(e.row, e.column) for e in result.errors] == [(6, "B")]


def test_a_missing_column_is_an_error_of_the_file(cast: Cast) -> None:
    used = mapping(cast.alice, cast.station_a)
    file = csv_file([["2026-03-01", "入室盗窃", LON]], headers=["报警时间", "警情类别", "经度"])
    result = do_import_incidents(file, filename="f.csv", mapping=used, actor=cast.alice)
    assert [(e.row, e.header) for e in result.errors] == [
        (None, "纬度"),
        (None, "地址"),
        (None, "警情编号"),
    ]


def test_duplicates_are_reported_and_skipped(cast: Cast) -> None:
    used = mapping(cast.alice, cast.station_a)
    first = do_import_incidents(
        csv_file(_rows_wgs84()), filename="1.csv", mapping=used, actor=cast.alice
    )
    assert first.imported == 3
    stored = Incident.objects.get(external_id="J0")
    rows = [
        ["2026-03-01 08:15", "入室盗窃", PLACES[0][1], PLACES[0][0], "", "J0"],  # same id
        ["2026-03-02 10:00", "车辆被盗", LON, LAT, "", "K1"],
        ["2026-03-02 10:04", "盗窃机动车", LON + 0.0002, LAT, "", "K2"],  # ~20 m, 4 min
        ["2026-03-02 10:04", "入室盗窃", LON, LAT, "", "K3"],  # other category
        ["2026-03-02 10:30", "车辆被盗", LON, LAT, "", "K4"],  # 30 minutes later
        ["2026-03-02 10:05", "车辆被盗", LON + 0.005, LAT, "", "K5"],  # ~480 m away
        ["2026-03-01 08:20", "入室盗窃", PLACES[1][1], PLACES[1][0], "", "K6"],  # near J1
        ["2026-03-02 10:00", "车辆被盗", LON, LAT, "", "K1"],  # id repeated in the file
    ]
    result = do_import_incidents(csv_file(rows), filename="2.csv", mapping=used, actor=cast.alice)
    assert result.errors == []
    got = [(d.row, d.of_row, d.of_incident, d.by_external_id) for d in result.duplicates]
    j1 = Incident.objects.get(external_id="J1").pk
    assert got == [
        (2, None, stored.pk, True),
        (4, 3, None, False),
        (8, None, j1, False),
        (9, 3, None, True),
    ]
    assert result.imported == 4
    assert set(Incident.objects.values_list("external_id", flat=True)) == {
        "J0",
        "J1",
        "J2",
        "K1",
        "K3",
        "K4",
        "K5",
    }


def test_a_dry_run_checks_and_writes_nothing(cast: Cast) -> None:
    used = mapping(cast.alice, cast.station_a)
    result = do_import_incidents(
        csv_file(_rows_wgs84()), filename="a.csv", mapping=used, actor=cast.alice, dry_run=True
    )
    assert result.errors == [] and result.rows == 3 and result.imported == 0
    assert not Incident.objects.exists()


def test_it_rejects_points_of_another_jurisdiction(cast: Cast) -> None:
    used = mapping(cast.charlie, cast.station_b)
    rows = [["2026-03-01 08:15", "入室盗窃", LON, LAT, "", "Z1"]]  # in alice's grid
    result = do_import_incidents(csv_file(rows), filename="z.csv", mapping=used, actor=cast.charlie)
    assert [(e.row, e.message) for e in result.errors] == [(2, "不在您的辖区内。")]
    assert not Incident.objects.exists()
    ok = [["2026-03-01 08:15", "入室盗窃", POINT_B[1], POINT_B[0], "", "Z2"]]
    assert (
        do_import_incidents(
            csv_file(ok), filename="z.csv", mapping=used, actor=cast.charlie
        ).imported
        == 1
    )


def test_a_unit_column_places_points_outside_every_grid(cast: Cast) -> None:
    used = mapping(cast.alice, cast.station_a, unit_column="单位")
    headers = ["报警时间", "警情类别", "经度", "纬度", "地址", "警情编号", "单位"]
    rows = [
        ["2026-03-01 08:15", "入室盗窃", 120.2, 30.95, "", "U1", cast.station_a.code],
        ["2026-03-01 08:15", "入室盗窃", LON, LAT, "", "U2", cast.station_a.name],
        ["2026-03-01 08:15", "入室盗窃", LON, LAT, "", "U3", "火星派出所"],
    ]
    result = do_import_incidents(
        csv_file(rows, headers), filename="u.csv", mapping=used, actor=cast.alice
    )
    assert [(e.row, e.column, e.value) for e in result.errors] == [(4, "G", "火星派出所")]
    result = do_import_incidents(
        csv_file(rows[:2], headers), filename="u.csv", mapping=used, actor=cast.alice
    )
    units = dict(Incident.objects.values_list("external_id", "unit_id"))
    assert units == {"U1": cast.station_a.pk, "U2": cast.grid_a.pk}  # the grid is finer


def test_only_importers_may_import(cast: Cast) -> None:
    used = mapping(cast.alice, cast.station_a)
    with pytest.raises(NotPermitted):
        do_import_incidents(csv_file(_rows_wgs84()), filename="a.csv", mapping=used, actor=cast.bob)


def test_a_mapping_needs_a_known_system_and_categories(cast: Cast) -> None:
    with pytest.raises(ValidationError) as caught:
        mapping(cast.alice, cast.station_a, crs="火星坐标", category_values={"x": "nope"})
    assert set(caught.value.message_dict) == {"crs", "category_values"}
    with pytest.raises(ValidationError):
        mapping(cast.charlie, cast.station_a)  # not charlie's unit
