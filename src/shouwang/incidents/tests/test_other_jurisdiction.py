"""Every incident page, feed and API endpoint against another jurisdiction and outside parties.

Station A (alice) and station B (charlie) both hold incidents, a saved mapping, a planned event
and a duty decision. Each test asks for the other unit's data and checks that it is absent or
404, and checks the own-unit case beside it so that an empty answer cannot pass by accident.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
import shapely
from django.utils import timezone

from shouwang.common.apitest import session_client, token_client
from shouwang.common.testing import POINT_A, POINT_B, Cast
from shouwang.incidents.actions import do_create_scheduled_event, do_import_incidents
from shouwang.incidents.actions_duty import do_decide_duty
from shouwang.incidents.choices import EventKind
from shouwang.incidents.duty import recommend_stations
from shouwang.incidents.models import DutyDecision, ImportMapping, Incident, ScheduledEvent
from shouwang.orgs.models import Unit, User

from .factories import HEADERS, add_incidents, csv_file, mapping

API = "/api/v1/incidents"
OUTSIDERS = ["dora", "gina", "hank", "erin"]
UNIT_HEADERS = ["报警时间", "警情类别", "经度", "纬度", "地址", "警情编号", "单位"]


@dataclass
class Side:
    """One station's data: what its chief must see and the other chief must not."""

    chief: User
    station: Unit
    marker: str  # a word of the station's name, on its own pages only
    incidents: set[int]
    mapping: ImportMapping
    event: str
    reason: str


@dataclass
class World:
    cast: Cast
    a: Side
    b: Side
    upper: Incident  # filed to station A itself, above bob's grid


def _decide(chief: User, station: Unit, reason: str) -> None:
    tomorrow = timezone.localdate() + timedelta(days=1)
    (rec,) = recommend_stations(chief, [station], tomorrow)
    level = "1" if rec.level != "1" else "2"
    do_decide_duty(actor=chief, station=station, day=tomorrow, level=level, reason=reason)


def _side(cast: Cast, chief: User, station: Unit, rows: list[Any], marker: str, tag: str) -> Side:
    before = set(Incident.objects.values_list("pk", flat=True))
    add_incidents(chief, station, rows, name=f"{tag} 接警")
    used = ImportMapping.objects.get(unit=station, name=f"{tag} 接警")
    tomorrow = timezone.localdate() + timedelta(days=1)
    event = f"{tag}庙会"
    do_create_scheduled_event(
        actor=chief,
        name=event,
        kind=EventKind.LARGE_EVENT,
        unit=station,
        starts_on=tomorrow,
        ends_on=tomorrow,
        expected_crowd=100,
    )
    reason = f"{tag}加强巡逻"
    _decide(chief, station, reason)
    mine = set(Incident.objects.values_list("pk", flat=True)) - before
    return Side(chief, station, marker, mine, used, event, reason)


@pytest.fixture
def world(cast: Cast) -> World:
    today = timezone.localdate()

    def rows(category: str, point: tuple[float, float], step: int) -> list[Any]:
        return [
            ((today - timedelta(days=d)).isoformat() + " 09:30", category, *point)
            for d in range(1, 40, step)
        ]

    a = _side(cast, cast.alice, cast.station_a, rows("入室盗窃", POINT_A, 2), "东门", "甲")
    b = _side(cast, cast.charlie, cast.station_b, rows("打架斗殴", POINT_B, 5), "西门", "乙")
    # An incident of station A outside every grid: station A's, not grid A's (bob's).
    upper_map = mapping(cast.alice, cast.station_a, name="甲 单位列", unit_column="单位")
    upper_row = [[f"{today - timedelta(days=3)} 09:30", "入室盗窃", 120.2, 30.95, "", "UP1"]]
    result = do_import_incidents(
        csv_file([[*r, cast.station_a.code] for r in upper_row], UNIT_HEADERS),
        filename="u.csv",
        mapping=upper_map,
        actor=cast.alice,
    )
    assert result.errors == [] and result.imported == 1
    upper = Incident.objects.get(external_id="UP1")
    a.incidents.add(upper.pk)
    return World(cast, a, b, upper)


def _sides(world: World, who: str) -> tuple[Side, Side]:
    return (world.a, world.b) if who == "a" else (world.b, world.a)


def _named(data: io.BytesIO, name: str = "rows.csv") -> io.BytesIO:
    data.name = name
    return data


# -- Outside parties: nothing at all ------------------------------------------------------------


def _web_gets(world: World) -> list[str]:
    a = world.a
    return [
        "/incidents/",
        f"/incidents/{min(a.incidents)}/",
        "/incidents/map/",
        "/incidents/map.geojson",
        "/incidents/forecast.geojson",
        "/incidents/boundaries.geojson",
        "/incidents/trends/",
        "/incidents/duty/",
        "/incidents/patrol/",
        "/incidents/patrol/areas.geojson",
        "/incidents/patrol/coverage.geojson",
        "/incidents/import/",
        "/incidents/import/mappings/new/",
        f"/incidents/import/mappings/{a.mapping.pk}/",
    ]


def _web_posts(world: World) -> list[tuple[str, dict[str, Any]]]:
    a, day = world.a, (timezone.localdate() + timedelta(days=2)).isoformat()
    mapping_form = {
        "name": "外部映射",
        "unit": a.station.code,
        "source": "call",
        "time_column": "时间",
        "category_column": "类别",
        "x_column": "X",
        "y_column": "Y",
        "crs": "EPSG:4326",
        "duplicate_minutes": 10,
        "duplicate_metres": 50,
    }
    lat, lon = POINT_A
    upload = csv_file([[f"{day} 08:00", "入室盗窃", lon, lat, "", "OUT1"]])
    return [
        ("/incidents/duty/decide/", {"unit": a.station.code, "day": day, "level": "1"}),
        (
            "/incidents/duty/events/",
            {
                "name": "外部活动",
                "kind": "large_event",
                "unit": a.station.code,
                "starts_on": day,
                "ends_on": day,
                "expected_crowd": 10,
            },
        ),
        ("/incidents/import/", {"mapping": a.mapping.pk, "file": _named(upload)}),
        ("/incidents/import/mappings/new/", mapping_form),
        (f"/incidents/import/mappings/{a.mapping.pk}/", mapping_form),
    ]


def _counts() -> tuple[int, int, int, int]:
    return (
        Incident.objects.count(),
        ImportMapping.objects.count(),
        ScheduledEvent.objects.count(),
        DutyDecision.objects.count(),
    )


def test_the_station_chief_opens_every_page(world: World) -> None:
    alice = session_client(world.a.chief)
    for url in _web_gets(world):
        assert alice.get(url).status_code == 200, url


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outside_parties_get_no_page_and_change_nothing(world: World, who: str) -> None:
    client = session_client(getattr(world.cast, who))
    before = _counts()
    for url in _web_gets(world):
        response = client.get(url)
        assert response.status_code in {403, 404}, (url, response.status_code)
        # Erin's company sits in grid A and is named "东门…": look for the station's full name.
        assert world.a.station.name.encode() not in response.content, url
    for url, form in _web_posts(world):
        assert client.post(url, form).status_code in {403, 404}, url
    assert _counts() == before
    world.a.mapping.refresh_from_db()
    assert world.a.mapping.name == "甲 接警"


def _api_calls(world: World) -> list[tuple[str, str, dict[str, Any] | None]]:
    a, tomorrow = world.a, (timezone.localdate() + timedelta(days=1)).isoformat()
    return [
        ("get", f"{API}/", None),
        ("get", f"{API}/{min(a.incidents)}", None),
        ("get", f"{API}/forecast.geojson?unit={a.station.code}", None),
        ("get", f"{API}/forecast.geojson", None),
        ("get", f"{API}/trends?unit={a.station.code}", None),
        ("get", f"{API}/trends", None),
        ("get", f"{API}/duty", None),
        ("post", f"{API}/duty/decisions", {"unit": a.station.code, "day": tomorrow, "level": "1"}),
    ]


def test_the_station_chief_is_answered_by_every_endpoint(world: World) -> None:
    alice = token_client(world.a.chief)
    for method, url, _body in _api_calls(world):
        if method == "get":
            assert alice.get(url).status_code == 200, url


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outside_parties_get_nothing_from_the_api(world: World, who: str) -> None:
    client = token_client(getattr(world.cast, who))
    before = _counts()
    for method, url, body in _api_calls(world):
        if method == "get":
            response = client.get(url)
        else:
            response = client.post(url, body, content_type="application/json")
        assert response.status_code == 403, (url, response.status_code)
        assert world.a.station.name.encode() not in response.content, url
    lat, lon = POINT_A
    upload = csv_file([["2026-01-01 08:00", "入室盗窃", lon, lat, "", "OUT2"]])
    response = client.post(f"{API}/import", {"mapping": world.a.mapping.pk, "file": _named(upload)})
    assert response.status_code == 404
    assert _counts() == before


# -- Another jurisdiction: single objects answer 404 --------------------------------------------


def test_a_detail_of_another_jurisdiction_is_not_found_on_page_and_api(world: World) -> None:
    for mine, theirs in ((world.a, world.b), (world.b, world.a)):
        page, api = session_client(mine.chief), token_client(mine.chief)
        for pk in mine.incidents:
            assert page.get(f"/incidents/{pk}/").status_code == 200
            assert api.get(f"{API}/{pk}").status_code == 200
        for pk in theirs.incidents:
            assert page.get(f"/incidents/{pk}/").status_code == 404
            assert api.get(f"{API}/{pk}").status_code == 404


def test_a_grid_worker_does_not_see_his_station_above_his_grid(world: World) -> None:
    """Bob covers grid A only: an incident filed to station A itself is not his."""
    upper = world.upper.pk
    assert session_client(world.a.chief).get(f"/incidents/{upper}/").status_code == 200
    bob_page, bob_api = session_client(world.cast.bob), token_client(world.cast.bob)
    assert bob_page.get(f"/incidents/{upper}/").status_code == 404
    assert bob_api.get(f"{API}/{upper}").status_code == 404
    listed = {i["id"] for i in bob_api.get(f"{API}/?limit=100").json()["items"]}
    assert listed == world.a.incidents - {upper}
    alice_listed = {
        i["id"] for i in token_client(world.a.chief).get(f"{API}/?limit=100").json()["items"]
    }
    assert upper in alice_listed
    assert bob_page.get(f"/incidents/trends/?unit={world.cast.station_a.code}").status_code == 404


UNIT_URLS = [
    "/incidents/map/",
    "/incidents/trends/",
    "/incidents/patrol/",
    "/incidents/map.geojson",
    "/incidents/forecast.geojson",
    "/incidents/boundaries.geojson",
    "/incidents/patrol/areas.geojson",
    "/incidents/patrol/coverage.geojson",
    f"{API}/forecast.geojson",
    f"{API}/trends",
]


@pytest.mark.parametrize("url", UNIT_URLS)
@pytest.mark.parametrize("level", ["district", "station", "grid"])
def test_every_unit_of_another_jurisdiction_is_not_found(
    world: World, url: str, level: str
) -> None:
    cast = world.cast
    theirs = {"district": cast.district_a, "station": cast.station_a, "grid": cast.grid_a}[level]
    # Whoever covers the unit gets it: the URL does answer for that code.
    owner = {"district": cast.frank, "station": cast.alice, "grid": cast.alice}[level]

    def client(user: User) -> Any:
        return token_client(user) if url.startswith(API) else session_client(user)

    assert client(cast.charlie).get(f"{url}?unit={theirs.code}").status_code == 404
    assert client(cast.bob).get(f"{url}?unit={cast.station_a.code}").status_code == 404
    assert client(owner).get(f"{url}?unit={theirs.code}").status_code == 200


def test_a_mapping_of_another_jurisdiction_is_not_changed(world: World) -> None:
    form = {
        "name": "改名",
        "source": "call",
        "time_column": "报警时间",
        "category_column": "警情类别",
        "x_column": "经度",
        "y_column": "纬度",
        "crs": "EPSG:4326",
        "duplicate_minutes": 10,
        "duplicate_metres": 50,
    }
    charlie = session_client(world.b.chief)
    theirs, own = world.a.mapping, world.b.mapping
    response = charlie.post(
        f"/incidents/import/mappings/{theirs.pk}/", {**form, "unit": world.b.station.code}
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert (theirs.name, theirs.unit) == ("甲 接警", world.a.station)
    response = charlie.post(
        f"/incidents/import/mappings/{own.pk}/", {**form, "unit": world.b.station.code}
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.name == "改名"


def test_a_mapping_is_not_created_for_another_jurisdiction(world: World) -> None:
    form = {
        "source": "call",
        "time_column": "时间",
        "category_column": "类别",
        "x_column": "X",
        "y_column": "Y",
        "crs": "EPSG:4326",
        "duplicate_minutes": 10,
        "duplicate_metres": 50,
    }
    charlie = session_client(world.b.chief)
    response = charlie.post(
        "/incidents/import/mappings/new/", {**form, "name": "越界", "unit": world.a.station.code}
    )
    assert response.status_code == 422
    assert not ImportMapping.objects.filter(name="越界").exists()
    response = charlie.post(
        "/incidents/import/mappings/new/", {**form, "name": "本所", "unit": world.b.station.code}
    )
    assert response.status_code == 302
    assert ImportMapping.objects.get(name="本所").unit == world.b.station


def test_an_event_is_not_registered_in_another_jurisdiction(world: World) -> None:
    day = (timezone.localdate() + timedelta(days=5)).isoformat()
    form = {"kind": "large_event", "starts_on": day, "ends_on": day, "expected_crowd": 50}
    charlie = session_client(world.b.chief)
    response = charlie.post(
        "/incidents/duty/events/", {**form, "name": "越界活动", "unit": world.a.station.code}
    )
    assert response.status_code == 422
    assert not ScheduledEvent.objects.filter(name="越界活动").exists()
    response = charlie.post(
        "/incidents/duty/events/", {**form, "name": "本所活动", "unit": world.b.station.code}
    )
    assert response.status_code == 302
    assert ScheduledEvent.objects.get(name="本所活动").unit == world.b.station


def test_the_api_import_refuses_rows_of_another_jurisdiction(world: World) -> None:
    used = mapping(world.b.chief, world.b.station, name="乙 单位列", unit_column="单位")
    charlie = token_client(world.b.chief)
    lat, lon = POINT_B
    before = Incident.objects.count()

    def send(unit: Unit, ref: str) -> Any:
        rows = [["2026-01-05 08:00", "打架斗殴", lon, lat, "", ref, unit.code]]
        return charlie.post(
            f"{API}/import", {"mapping": used.pk, "file": _named(csv_file(rows, UNIT_HEADERS))}
        )

    refused = send(world.a.station, "X1")
    assert refused.status_code == 422
    assert [e["message"] for e in refused.json()["errors"]] == ["不在您的辖区内。"]
    assert Incident.objects.count() == before
    assert send(world.b.station, "X2").status_code == 201
    assert Incident.objects.get(external_id="X2").unit == world.cast.grid_b


# -- Another jurisdiction: lists, maps and counts hold none of its rows -------------------------


@pytest.mark.parametrize("who", ["a", "b"])
def test_the_lists_hold_only_the_own_jurisdiction(world: World, who: str) -> None:
    mine, theirs = _sides(world, who)
    api = token_client(mine.chief)
    listed = {i["id"] for i in api.get(f"{API}/?limit=100").json()["items"]}
    assert listed == mine.incidents
    for code in (theirs.station.code, theirs.station.parent.code if theirs.station.parent else ""):
        assert api.get(f"{API}/?unit={code}").json()["count"] == 0
    assert api.get(f"{API}/?unit={mine.station.code}").json()["count"] == len(mine.incidents)
    page = session_client(mine.chief).get("/incidents/?page=1").content.decode()
    assert all(f"/incidents/{pk}/" not in page for pk in theirs.incidents)
    assert any(f"/incidents/{pk}/" in page for pk in mine.incidents)


@pytest.mark.parametrize("who", ["a", "b"])
def test_the_map_feeds_hold_only_the_own_jurisdiction(world: World, who: str) -> None:
    mine, theirs = _sides(world, who)
    own_point, other_point = (POINT_A, POINT_B) if who == "a" else (POINT_B, POINT_A)
    client = session_client(mine.chief)
    points = {f["id"] for f in client.get("/incidents/map.geojson").json()["features"]}
    assert points and points <= mine.incidents and not points & theirs.incidents
    bounds = client.get("/incidents/boundaries.geojson").json()["features"]
    assert [f["properties"]["code"] for f in bounds] == [mine.station.code]
    for feed in (
        client.get("/incidents/forecast.geojson?flag=5").json(),
        client.get("/incidents/patrol/areas.geojson").json(),
        token_client(mine.chief).get(f"{API}/forecast.geojson?flag=5").json(),
    ):
        stations = {f["properties"]["station"] for f in feed["features"]}
        assert stations == {mine.station.name}
        assert not _covers(feed, other_point)
    cover = client.get("/incidents/patrol/coverage.geojson").json()
    assert _covers(cover, own_point) and not _covers(cover, other_point)


def _covers(feed: dict[str, Any], point: tuple[float, float]) -> bool:
    lat, lon = point
    return any(
        shapely.geometry.shape(f["geometry"]).contains(shapely.Point(lon, lat))
        for f in feed["features"]
    )


@pytest.mark.parametrize("url", ["/incidents/map/", "/incidents/trends/", "/incidents/patrol/"])
@pytest.mark.parametrize("who", ["a", "b"])
def test_the_unit_pages_name_only_the_own_jurisdiction(world: World, url: str, who: str) -> None:
    mine, theirs = _sides(world, who)
    page = session_client(mine.chief).get(url).content.decode()
    assert mine.marker in page
    assert theirs.marker not in page and theirs.station.code not in page


@pytest.mark.parametrize("who", ["a", "b"])
def test_the_duty_page_shows_only_the_own_stations_events_and_decisions(
    world: World, who: str
) -> None:
    mine, theirs = _sides(world, who)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    page = session_client(mine.chief).get(f"/incidents/duty/?day={tomorrow}").content.decode()
    for text in (mine.marker, mine.event, mine.reason):
        assert text in page
    for text in (theirs.marker, theirs.event, theirs.reason, theirs.station.code):
        assert text not in page
    duty = token_client(mine.chief).get(f"{API}/duty?day={tomorrow}").json()
    assert [r["unit"]["code"] for r in duty] == [mine.station.code]
    assert duty[0]["decided_level"] is not None


@pytest.mark.parametrize("who", ["a", "b"])
def test_trend_counts_hold_only_the_own_jurisdiction(world: World, who: str) -> None:
    mine, theirs = _sides(world, who)
    city = token_client(world.cast.frank).get(f"{API}/trends?period=month").json()
    by_district = {r["code"]: r["comparison"]["count"] for r in city["units"]}
    own_count = by_district[mine.station.parent.code if mine.station.parent else ""]
    assert (
        own_count > 0
        and by_district[theirs.station.parent.code if theirs.station.parent else ""] > 0
    )
    body = token_client(mine.chief).get(f"{API}/trends?period=month").json()
    assert body["unit"]["code"] == mine.station.code
    assert body["comparison"]["count"] == own_count
    own_category = "burglary" if who == "a" else "fight"
    assert {r["code"] for r in body["categories"]} == {own_category}


@pytest.mark.parametrize("who", ["a", "b"])
def test_the_import_page_lists_only_usable_mappings(world: World, who: str) -> None:
    mine, theirs = _sides(world, who)
    city = mapping(world.cast.admin, world.cast.city, name="市局 110 系统")
    page = session_client(mine.chief).get("/incidents/import/").content.decode()
    assert mine.mapping.name in page and city.name in page
    assert theirs.mapping.name not in page
    assert f"/incidents/import/mappings/{theirs.mapping.pk}/" not in page


# -- The import's duplicate report ----------------------------------------------------------------


def _dry_run(client: Any, used: ImportMapping, rows: list[list[Any]], headers: list[str]) -> Any:
    upload = _named(csv_file(rows, headers))
    return client.post(f"{API}/import", {"mapping": used.pk, "file": upload, "dry_run": "true"})


def test_a_duplicate_by_external_id_does_not_name_another_jurisdictions_incident(
    world: World,
) -> None:
    cast = world.cast
    city = mapping(cast.admin, cast.city, name="市局 110 系统")
    for actor, point, ref in ((cast.charlie, POINT_B, "110-B"), (cast.alice, POINT_A, "110-A")):
        rows = [["2026-01-05 08:00", "入室盗窃", point[1], point[0], "", ref]]
        assert (
            do_import_incidents(
                csv_file(rows), filename="c.csv", mapping=city, actor=actor
            ).imported
            == 1
        )
    own, theirs = (Incident.objects.get(external_id=r).pk for r in ("110-A", "110-B"))
    lat, lon = POINT_A
    rows = [["2026-01-09 08:00", "入室盗窃", lon, lat, "", r] for r in ("110-A", "110-B")]
    body = _dry_run(token_client(cast.alice), city, rows, HEADERS).json()
    named = [d["of_incident"] for d in body["duplicates"]]
    assert own in named  # the own incident is named: the check does run
    assert theirs not in named
    upload = _named(csv_file(rows))
    page = session_client(cast.alice).post(
        "/incidents/import/", {"mapping": city.pk, "file": upload, "dry_run": "on"}
    )
    assert f"/incidents/{own}/" in page.content.decode()
    assert f"/incidents/{theirs}/" not in page.content.decode()
    # Still a duplicate (the id is unique in the city), only not named.
    assert {"of_incident": None, "by_external_id": True}.items() <= body["duplicates"][1].items()
    assert "辖区外已有的警情" in page.content.decode()


def test_a_near_duplicate_does_not_name_another_jurisdictions_incident(world: World) -> None:
    """Charlie files an incident at a point of grid A to his own station (a unit column may);
    alice importing the same call must not learn its id."""
    cast = world.cast
    lat, lon = POINT_A
    by_unit = mapping(cast.charlie, cast.station_b, name="乙 跨区", unit_column="单位")
    row = ["2026-01-05 08:00", "入室盗窃", lon, lat, "", "", cast.station_b.code]
    assert (
        do_import_incidents(
            csv_file([row], UNIT_HEADERS), filename="x.csv", mapping=by_unit, actor=cast.charlie
        ).imported
        == 1
    )
    theirs = Incident.objects.get(unit=cast.station_b, lat=round(lat, 7)).pk
    dedupe = mapping(cast.alice, cast.station_a, name="甲 去重")  # 10 minutes, 50 metres
    own_row = ["2026-02-05 08:00", "入室盗窃", lon, lat, "", ""]
    assert (
        do_import_incidents(
            csv_file([own_row]), filename="a.csv", mapping=dedupe, actor=cast.alice
        ).imported
        == 1
    )
    own = Incident.objects.filter(unit=cast.grid_a).order_by("-pk").first()
    assert own is not None
    rows = [
        ["2026-01-05 08:03", "入室盗窃", lon, lat, "", ""],
        ["2026-02-05 08:03", "入室盗窃", lon, lat, "", ""],
    ]
    body = _dry_run(token_client(cast.alice), dedupe, rows, HEADERS).json()
    named = [d["of_incident"] for d in body["duplicates"]]
    assert own.pk in named
    assert theirs not in named
