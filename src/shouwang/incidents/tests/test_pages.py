"""The pages: each renders for its users, shows only their jurisdiction, 404s the rest."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import shapely
from django.utils import timezone

from shouwang.audit.models import AuditEvent
from shouwang.common.apitest import session_client
from shouwang.common.testing import POINT_A, POINT_B, Cast
from shouwang.engines.roads.tests.osm import OsmFile
from shouwang.incidents.models import DutyDecision, Incident, ScheduledEvent

from .factories import add_incidents, csv_file, mapping


@pytest.fixture
def data(cast: Cast) -> Cast:
    today = timezone.localdate()
    rows_a = [
        ((today - timedelta(days=d)).isoformat() + " 09:30", "入室盗窃", *POINT_A)
        for d in range(1, 40, 2)
    ]
    add_incidents(cast.alice, cast.station_a, rows_a)
    rows_b = [((today - timedelta(days=2)).isoformat() + " 09:30", "打架斗殴", *POINT_B)]
    add_incidents(cast.charlie, cast.station_b, rows_b, name="B")
    return cast


PAGES = [
    "/incidents/",
    "/incidents/map/",
    "/incidents/trends/",
    "/incidents/duty/",
    "/incidents/patrol/",
]


@pytest.mark.parametrize("url", PAGES)
def test_every_page_renders_for_a_station_chief(data: Cast, url: str) -> None:
    response = session_client(data.alice).get(url)
    assert response.status_code == 200, response.content[:500]


@pytest.mark.parametrize("url", PAGES)
def test_outside_parties_and_anonymous_users_get_nothing(data: Cast, url: str) -> None:
    assert session_client(data.erin).get(url).status_code == 403
    assert session_client(None).get(url).status_code == 302


UNIT_PAGES = [
    "/incidents/map/",
    "/incidents/trends/",
    "/incidents/patrol/",
    "/incidents/map.geojson",
    "/incidents/forecast.geojson",
    "/incidents/boundaries.geojson",
    "/incidents/patrol/areas.geojson",
    "/incidents/patrol/coverage.geojson",
]


@pytest.mark.parametrize("url", UNIT_PAGES)
def test_another_jurisdiction_is_not_found(data: Cast, url: str) -> None:
    assert session_client(data.charlie).get(f"{url}?unit={data.station_a.code}").status_code == 404


def test_the_list_and_detail_are_scoped(data: Cast) -> None:
    mine = Incident.objects.filter(unit=data.grid_a).first()
    assert mine is not None
    alice, charlie = session_client(data.alice), session_client(data.charlie)
    assert "共 20 起" in alice.get("/incidents/").content.decode()
    assert "共 1 起" in charlie.get("/incidents/").content.decode()
    asked = charlie.get(f"/incidents/?unit={data.station_a.code}").content.decode()
    assert "共 0 起" in asked  # another unit's code filters to nothing
    assert alice.get(f"/incidents/{mine.pk}/").status_code == 200
    assert charlie.get(f"/incidents/{mine.pk}/").status_code == 404
    partial = alice.get("/incidents/?category=public_order", headers={"HX-Request": "true"})
    assert "共 0 起" in partial.content.decode() and "<html" not in partial.content.decode()


def test_the_map_feeds_are_geojson_of_the_jurisdiction(data: Cast) -> None:
    alice = session_client(data.alice)
    points = alice.get("/incidents/map.geojson").json()
    assert len(points["features"]) == 14  # the last 28 days by default: days 1, 3, ..., 27
    cells = alice.get("/incidents/forecast.geojson?flag=5").json()
    assert cells["features"] and cells["features"][0]["properties"]["rank"] == 1
    assert cells["features"][0]["geometry"]["type"] == "Polygon"
    bounds = alice.get("/incidents/boundaries.geojson").json()
    assert [f["properties"]["code"] for f in bounds["features"]] == [data.station_a.code]
    charlie_points = session_client(data.charlie).get("/incidents/map.geojson").json()
    assert len(charlie_points["features"]) == 1


def test_the_map_page_shows_the_concentration_report_and_the_people_note(data: Cast) -> None:
    page = session_client(data.alice).get("/incidents/map/").content.decode()
    assert 'id="concentration"' in page and "从不针对任何人" in page
    assert 'id="conc-overlap"' in page


def test_a_bad_filter_is_an_error_not_silence(data: Cast) -> None:
    response = session_client(data.alice).get("/incidents/?date_from=yesterday")
    assert response.status_code == 400
    assert "date_from" in response.content.decode()


def test_a_commander_decides_on_the_duty_page(data: Cast) -> None:
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    alice = session_client(data.alice)
    response = alice.post(
        "/incidents/duty/decide/",
        {"unit": data.station_a.code, "day": tomorrow, "level": "1", "reason": "节前加强"},
    )
    assert response.status_code == 302
    decision = DutyDecision.objects.get()
    assert decision.level == "1" and decision.decided_by == data.alice
    page = alice.get(f"/incidents/duty/?day={tomorrow}").content.decode()
    assert "节前加强" in page
    # Charlie cannot decide for alice's station, nor bob (a grid worker) at all.
    assert (
        session_client(data.charlie)
        .post(
            "/incidents/duty/decide/", {"unit": data.station_a.code, "day": tomorrow, "level": "3"}
        )
        .status_code
        == 403
    )
    session_client(data.bob).post(
        "/incidents/duty/decide/", {"unit": data.station_a.code, "day": tomorrow, "level": "3"}
    )
    assert DutyDecision.objects.count() == 1
    assert "节前加强" not in session_client(data.charlie).get("/incidents/duty/").content.decode()


def test_an_event_is_registered_on_the_duty_page(data: Cast) -> None:
    day = (timezone.localdate() + timedelta(days=3)).isoformat()
    event = {
        "name": "灯会",
        "kind": "large_event",
        "unit": data.station_a.code,
        "starts_on": day,
        "ends_on": day,
    }
    # A crowd past any column was a server error; it is refused like any bad value.
    refused = session_client(data.alice).post(
        "/incidents/duty/events/", {**event, "expected_crowd": 10**20}
    )
    assert refused.status_code == 422 and not ScheduledEvent.objects.exists()
    response = session_client(data.alice).post(
        "/incidents/duty/events/", {**event, "expected_crowd": 20000}
    )
    assert response.status_code == 302
    assert ScheduledEvent.objects.get().expected_crowd == 20000
    page = session_client(data.alice).get(f"/incidents/duty/?day={day}").content.decode()
    assert "level-1" in page and "灯会" in page


def test_the_patrol_page_reports_areas_and_reach(data: Cast) -> None:
    alice = session_client(data.alice)
    lat, lon = POINT_A
    page = alice.get(f"/incidents/patrol/?points={lat},{lon}&speed=30").content.decode()
    assert 'id="patrol-areas"' in page and "东门派出所" in page
    cover = alice.get(f"/incidents/patrol/coverage.geojson?points={lat},{lon}").json()
    assert {f["properties"]["minutes"] for f in cover["features"]} == {5}
    assert alice.get("/incidents/patrol/?points=north").status_code == 400
    # Not a number, or not a finite one: the page says so (NaN was a server error).
    for bad in ("nan", "inf", "lots"):
        refused = alice.get(f"/incidents/patrol/?budget={bad}&speed=30")
        assert refused.status_code == 400 and "巡逻面积应为数字" in refused.content.decode()


def test_patrol_areas_on_hexagons(data: Cast) -> None:
    alice = session_client(data.alice)
    page = alice.get("/incidents/patrol/?cell=h3-9&budget=0.3").content.decode()
    assert '<option value="h3-9" selected>' in page
    # Prospective hotspotting spreads risk to the neighbours of the burglaries' hexagon (the
    # default map, the blend, keeps it there on this little history).
    areas = alice.get(
        "/incidents/patrol/areas.geojson?cell=h3-9&budget=0.3&model=prospective"
    ).json()
    # 0.3 km² of the 0.081 km² hexagons there: three, the hottest holding the burglaries
    assert areas["cells"] == "h3-9" and round(areas["cell_km2"], 3) == 0.081
    assert len(areas["features"]) == 3
    assert all(len(f["geometry"]["coordinates"][0]) == 7 for f in areas["features"])
    lat, lon = POINT_A
    first = areas["features"][0]["geometry"]["coordinates"][0]
    assert shapely.Polygon(first).contains(shapely.Point(lon, lat))
    map_page = alice.get("/incidents/map/?cell=h3-8").content.decode()
    assert '<option value="h3-8" selected>' in map_page


def test_the_import_page_imports_and_lists_errors(data: Cast) -> None:
    used = mapping(data.alice, data.station_a, name="页面导入")
    alice = session_client(data.alice)
    lat, lon = POINT_A
    bad = csv_file([["2026-01-01 08:00", "不存在", lon, lat, "", "P1"]])
    bad.name = "bad.csv"
    response = alice.post("/incidents/import/", {"mapping": used.pk, "file": bad})
    assert response.status_code == 422
    assert "第 2 行" in response.content.decode()
    good = csv_file([["2026-01-01 08:00", "入室盗窃", lon, lat, "", "P1"]])
    good.name = "good.csv"
    before = Incident.objects.count()
    response = alice.post("/incidents/import/", {"mapping": used.pk, "file": good})
    assert response.status_code == 200 and Incident.objects.count() == before + 1
    assert AuditEvent.objects.filter(action="incident.import").exists()
    # Charlie does not see alice's mapping; bob may not import at all.
    other = csv_file([["2026-01-01 08:00", "入室盗窃", lon, lat, "", "P9"]])
    other.name = "o.csv"
    assert (
        session_client(data.charlie)
        .post("/incidents/import/", {"mapping": used.pk, "file": other})
        .status_code
        == 422
    )
    assert session_client(data.bob).get("/incidents/import/").status_code == 403


def test_a_mapping_is_saved_from_its_form(data: Cast) -> None:
    response = session_client(data.alice).post(
        "/incidents/import/mappings/new/",
        {
            "name": "120 联动",
            "unit": data.station_a.code,
            "source": "call",
            "time_column": "时间",
            "category_column": "类别",
            "category_values": "车辆被盗=vehicle_theft",
            "x_column": "X",
            "y_column": "Y",
            "crs": "gcj02",
            "duplicate_minutes": 10,
            "duplicate_metres": 50,
        },
    )
    assert response.status_code == 302
    response = session_client(data.alice).post(
        "/incidents/import/mappings/new/",
        {
            "name": "坏的",
            "unit": data.station_a.code,
            "source": "call",
            "time_column": "时间",
            "category_column": "类别",
            "x_column": "X",
            "y_column": "Y",
            "crs": "mars",
            "duplicate_minutes": 10,
            "duplicate_metres": 50,
        },
    )
    assert response.status_code == 422 and "无法识别的坐标系" in response.content.decode()


@pytest.mark.parametrize(
    ("url", "english"),
    [
        ("/incidents/map/", "Forecasts are of places and times, never of people."),
        ("/incidents/trends/", "Year on year"),
        ("/incidents/duty/", "Recommended level"),
        ("/incidents/patrol/", "Response coverage"),
    ],
)
def test_the_pages_speak_english(data: Cast, url: str, english: str) -> None:
    client = session_client(data.alice)
    client.cookies["django_language"] = "en"
    page = client.get(url).content.decode()
    assert english in page


def test_a_mapping_is_changed_by_its_own_unit_only(data: Cast) -> None:
    used = mapping(data.alice, data.station_a, name="旧名")
    alice = session_client(data.alice)
    page = alice.get(f"/incidents/import/mappings/{used.pk}/").content.decode()
    assert "旧名" in page and "盗窃(入室)=burglary" in page
    response = alice.post(
        f"/incidents/import/mappings/{used.pk}/",
        {"name": "新名", "unit": data.station_a.code, "source": "call", "time_column": "报警时间",
         "category_column": "警情类别", "x_column": "经度", "y_column": "纬度", "crs": "BD-09",
         "duplicate_minutes": 5, "duplicate_metres": 30},
    )  # fmt: skip
    assert response.status_code == 302
    used.refresh_from_db()
    assert (used.name, used.crs, used.duplicate_minutes) == ("新名", "BD-09", 5)
    # Thresholds past any sensible window are refused (a huge one was a server error).
    response = alice.post(
        f"/incidents/import/mappings/{used.pk}/",
        {"name": "新名", "unit": data.station_a.code, "source": "call", "time_column": "报警时间",
         "category_column": "警情类别", "x_column": "经度", "y_column": "纬度", "crs": "BD-09",
         "duplicate_minutes": 10**20, "duplicate_metres": 30},
    )  # fmt: skip
    assert response.status_code == 422
    used.refresh_from_db()
    assert used.duplicate_minutes == 5
    # An optional column name longer than its column was a server error on PostgreSQL.
    response = alice.post(
        f"/incidents/import/mappings/{used.pk}/",
        {"name": "新名", "unit": data.station_a.code, "source": "call", "time_column": "报警时间",
         "category_column": "警情类别", "x_column": "经度", "y_column": "纬度", "crs": "BD-09",
         "address_column": "地" * 101, "duplicate_minutes": 5, "duplicate_metres": 30},
    )  # fmt: skip
    assert response.status_code == 422
    assert (
        session_client(data.charlie).get(f"/incidents/import/mappings/{used.pk}/").status_code
        == 404
    )
    assert "新名" in alice.get("/incidents/import/").content.decode()


def test_a_city_mapping_is_listed_without_an_edit_link_for_a_station(data: Cast) -> None:
    citys = mapping(data.admin, data.city, name="市局 110 系统")
    own = mapping(data.alice, data.station_a, name="本所系统")
    alice = session_client(data.alice)
    page = alice.get("/incidents/import/").content.decode()
    assert "市局 110 系统" in page
    assert f"/incidents/import/mappings/{own.pk}/" in page
    # The station uses the city's mapping but may not change it: no link that ends in a 403.
    assert f"/incidents/import/mappings/{citys.pk}/" not in page
    assert alice.get(f"/incidents/import/mappings/{citys.pk}/").status_code == 403


def test_coverage_follows_the_roads_when_an_extract_is_configured(
    data: Cast, tmp_path: Path, settings: Any
) -> None:
    # One east-west street through the station, 3 km long: the cells north and south of it,
    # all within 5 minutes in a straight line, are more than 500 m from any road.
    osm = OsmFile(origin=POINT_A)
    osm.way([osm.node(1, -1500, 0), osm.node(2, 0, 0), osm.node(3, 1500, 0)], highway="residential")
    settings.ROAD_NETWORK = str(osm.write(tmp_path / "town.osm"))
    alice = session_client(data.alice)
    lat, lon = POINT_A
    url = f"/incidents/patrol/coverage.geojson?points={lat},{lon}&speed=30"

    def minutes(query: str) -> list[int]:
        return sorted(f["properties"]["minutes"] for f in alice.get(url + query).json()["features"])

    assert set(minutes("&route=straight")) == {5}
    by_road = minutes("")
    assert set(by_road) == {0, 5}  # the cells off the street are out of reach
    page = alice.get(f"/incidents/patrol/?points={lat},{lon}").content.decode()
    assert 'name="route"' in page and "沿 OpenStreetMap 道路网络计算" in page
    # A file that cannot be read: the page says so and measures in straight lines.
    bad = tmp_path / "bad.osm"
    bad.write_text("not an extract", encoding="utf-8")
    settings.ROAD_NETWORK = str(bad)
    response = alice.get(f"/incidents/patrol/?points={lat},{lon}")
    assert response.status_code == 200
    assert "路网文件无法读取" in response.content.decode()
    assert set(minutes("")) == {5}
