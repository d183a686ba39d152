"""The incidents API: scoped lists and details, import, forecast GeoJSON, trends, duty."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import shapely
from django.utils import timezone

from shouwang.common.apitest import session_client, token_client
from shouwang.common.testing import POINT_A, POINT_B, Cast
from shouwang.incidents.models import DutyDecision, Incident

from .factories import add_incidents, csv_file, mapping

API = "/api/v1/incidents"


@pytest.fixture
def data(cast: Cast) -> Cast:
    today = timezone.localdate()
    rows = [
        ((today - timedelta(days=d)).isoformat() + " 10:00", "入室盗窃", *POINT_A)
        for d in range(1, 30, 3)
    ]
    add_incidents(cast.alice, cast.station_a, rows)
    add_incidents(
        cast.charlie,
        cast.station_b,
        [((today - timedelta(days=1)).isoformat() + " 10:00", "打架斗殴", *POINT_B)],
        name="B",
    )
    return cast


def test_the_list_is_filtered_and_scoped(data: Cast) -> None:
    alice = token_client(data.alice)
    body = alice.get(f"{API}/?limit=5").json()
    assert (body["count"], len(body["items"])) == (10, 5)
    assert {i["unit"]["code"] for i in body["items"]} == {data.grid_a.code}
    assert alice.get(f"{API}/?category=public_order").json()["count"] == 0
    assert token_client(data.charlie).get(f"{API}/").json()["count"] == 1
    assert token_client(data.erin).get(f"{API}/").status_code == 403
    assert session_client(None).get(f"{API}/").status_code == 401


def test_a_detail_of_another_jurisdiction_is_not_found(data: Cast) -> None:
    mine = Incident.objects.filter(unit=data.grid_a).first()
    assert mine is not None
    alice = token_client(data.alice)
    got = alice.get(f"{API}/{mine.pk}").json()
    assert got["category"] == "burglary" and got["raw_crs"] == "EPSG:4326"
    assert token_client(data.charlie).get(f"{API}/{mine.pk}").status_code == 404
    assert alice.get(f"{API}/999999").status_code == 404


def test_import_through_the_api(data: Cast) -> None:
    used = mapping(data.alice, data.station_a, name="API")
    lat, lon = POINT_A
    rows = [
        ["2026-02-01 08:00", "入室盗窃", lon, lat, "", "A1"],
        ["2026-02-01", "?", lon, lat, "", "A2"],
    ]
    alice = token_client(data.alice)
    response = alice.post(f"{API}/import", {"mapping": used.pk, "file": _named(csv_file(rows))})
    assert response.status_code == 422
    assert [(e["row"], e["column"]) for e in response.json()["errors"]] == [(3, "B")]
    response = alice.post(f"{API}/import", {"mapping": used.pk, "file": _named(csv_file(rows[:1]))})
    assert response.status_code == 201 and response.json()["imported"] == 1
    again = alice.post(f"{API}/import", {"mapping": used.pk, "file": _named(csv_file(rows[:1]))})
    assert again.json()["duplicates"][0]["by_external_id"] is True
    charlie = token_client(data.charlie)
    assert (
        charlie.post(
            f"{API}/import", {"mapping": used.pk, "file": _named(csv_file(rows[:1]))}
        ).status_code
        == 404
    )


def _named(file: io.BytesIO) -> io.BytesIO:
    file.name = "rows.csv"
    return file


def test_forecast_cells_as_geojson(data: Cast) -> None:
    alice = token_client(data.alice)
    body = alice.get(f"{API}/forecast.geojson?flag=5&model=kde").json()
    assert body["type"] == "FeatureCollection" and body["model"] == "kde"
    assert [f["properties"]["rank"] for f in body["features"]][:2] == [1, 2]
    assert (
        token_client(data.charlie)
        .get(f"{API}/forecast.geojson?unit={data.station_a.code}")
        .status_code
        == 404
    )
    assert alice.get(f"{API}/forecast.geojson?model=tarot").status_code == 422


def test_forecast_on_h3_hexagons(data: Cast) -> None:
    alice = token_client(data.alice)
    body = alice.get(f"{API}/forecast.geojson?cell=h3-9&flag=5&model=kde").json()
    assert body["cells"] == "h3-9" and 0.07 < body["cell_km2"] < 0.13
    top = body["features"][0]
    ring = top["geometry"]["coordinates"][0]
    assert len(ring) == 7 and ring[0] == ring[-1]  # a hexagon, closed
    # the hottest hexagon is the one holding station A's ten burglaries
    lat, lon = POINT_A
    assert shapely.Polygon(ring).contains(shapely.Point(lon, lat))
    assert {f["properties"]["station"] for f in body["features"]} <= {data.station_a.name}
    assert alice.get(f"{API}/forecast.geojson?cell=h3-7").status_code == 422
    assert alice.get(f"{API}/forecast.geojson?cell=250").json()["cells"] == "250"
    assert (
        token_client(data.charlie)
        .get(f"{API}/forecast.geojson?cell=h3-9&unit={data.station_a.code}")
        .status_code
        == 404
    )


def test_trends_and_their_scope(data: Cast) -> None:
    body = token_client(data.frank).get(f"{API}/trends?period=month").json()
    assert {r["code"] for r in body["units"]} == {data.district_a.code, data.district_b.code}
    assert (
        token_client(data.charlie).get(f"{API}/trends?unit={data.station_a.code}").status_code
        == 404
    )


def test_duty_recommendations_and_a_decision(data: Cast) -> None:
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    alice = token_client(data.alice)
    (rec,) = alice.get(f"{API}/duty?day={tomorrow}").json()
    assert rec["unit"]["code"] == data.station_a.code and rec["reasons"]
    response = alice.post(
        f"{API}/duty/decisions",
        {"unit": data.station_a.code, "day": tomorrow, "level": rec["recommended_level"]},
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["accepted"] is True
    charlie = token_client(data.charlie)
    refused = charlie.post(
        f"{API}/duty/decisions",
        {"unit": data.station_a.code, "day": tomorrow, "level": "1", "reason": "x"},
        content_type="application/json",
    )
    assert refused.status_code == 422 and DutyDecision.objects.count() == 1
    assert [r["unit"]["code"] for r in charlie.get(f"{API}/duty").json()] == [data.station_b.code]
