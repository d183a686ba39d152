from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from shouwang.engines.roads import RoadNetwork, RoadNetworkError, read_osm
from shouwang.engines.roads.network import parse_maxspeed
from shouwang.engines.roads.tests.osm import OsmFile, at, river_town


def one_road(tmp_path: Path, **tags: str) -> Path:
    osm = OsmFile()
    osm.way([osm.node(1, 0, 0), osm.node(2, 1000, 0)], **tags)
    return osm.write(tmp_path / "road.osm")


def minutes(
    network: RoadNetwork,
    source: tuple[float, float],
    target: tuple[float, float],
    cap: float = 200.0,
) -> float:
    return float(network.minutes([at(*source)], np.array([at(*target)]), cap_kmh=cap)[0])


def test_time_along_a_road_is_its_length_at_its_speed_under_the_cap(tmp_path: Path) -> None:
    residential = read_osm(one_road(tmp_path, highway="residential"))
    assert residential.nodes == 2 and residential.edges == 2
    assert residential.road_km == pytest.approx(1.0, rel=2e-3)
    # 1 km at 25 km/h: 2.4 min; under a 20 km/h cap: 3 min.
    assert minutes(residential, (0, 0), (1000, 0)) == pytest.approx(2.4, rel=3e-3)
    assert minutes(residential, (0, 0), (1000, 0), cap=20) == pytest.approx(3.0, rel=3e-3)
    signed = read_osm(one_road(tmp_path, highway="residential", maxspeed="60"))
    assert minutes(signed, (0, 0), (1000, 0)) == pytest.approx(1.0, rel=3e-3)


def test_one_way_roads_are_driven_one_way(tmp_path: Path) -> None:
    forward = read_osm(one_road(tmp_path, highway="primary", oneway="yes"))
    assert forward.edges == 1
    assert math.isfinite(minutes(forward, (0, 0), (1000, 0)))
    assert minutes(forward, (1000, 0), (0, 0)) == math.inf
    backward = read_osm(one_road(tmp_path, highway="primary", oneway="-1"))
    assert minutes(backward, (0, 0), (1000, 0)) == math.inf
    assert math.isfinite(minutes(backward, (1000, 0), (0, 0)))


def test_a_river_makes_a_near_place_far(tmp_path: Path) -> None:
    town = read_osm(river_town(tmp_path / "town.osm"))
    # Straight across the river, 300 m, is a 4.4 km drive over the bridge at the east end:
    # 2 km east, 300 m north, 2 km back west at 25 km/h = 10.3 min.
    across = minutes(town, (0, 0), (0, 300))
    assert across == pytest.approx(4.3 * 60 / 25, rel=3e-3)
    # The footway across is not a road for a car.
    assert town.edges == 2 * (10 + 10 + 1)
    # Within 5 minutes: the south street's near part only.
    targets = np.array([at(1000, 0), at(0, 300), at(2000, 300)])
    reach = town.minutes([at(0, 0)], targets, cap_kmh=200, limit_minutes=5)
    assert math.isfinite(reach[0]) and reach[1] == math.inf and reach[2] == math.inf


def test_the_nearest_of_several_patrols_counts_and_far_places_are_off_the_roads(
    tmp_path: Path,
) -> None:
    town = read_osm(river_town(tmp_path / "town.osm"))
    targets = np.array([at(0, 300), at(1000, 2000)])
    reach = town.minutes([at(0, 0), at(200, 300)], targets, cap_kmh=200)
    assert reach[0] == pytest.approx(0.48, rel=5e-3)  # 200 m at 25 km/h from the north patrol
    # A patrol off the road drives straight to the nearest road node, at the cap speed.
    off = town.minutes([at(200, 200)], targets[:1], cap_kmh=30)
    assert off[0] == pytest.approx(100 / 500 + 200 * 60 / 25_000, rel=5e-3)
    assert reach[1] == math.inf  # 1.7 km from any road


def test_parallel_ways_use_the_faster(tmp_path: Path) -> None:
    osm = OsmFile()
    a, b = osm.node(1, 0, 0), osm.node(2, 1000, 0)
    osm.way([a, b], highway="service")
    osm.way([a, b], highway="primary")
    network = read_osm(osm.write(tmp_path / "twice.osm"))
    assert minutes(network, (0, 0), (1000, 0)) == pytest.approx(1.2, rel=3e-3)  # 50 km/h


@pytest.mark.parametrize(
    ("text", "kmh"),
    [("50", 50.0), ("50 km/h", 50.0), ("30 mph", 48.28032), ("CN:urban", None), ("none", None)],
)
def test_speed_limits(text: str, kmh: float | None) -> None:
    assert parse_maxspeed(text) == (pytest.approx(kmh) if kmh else None)


def test_unreadable_and_roadless_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(RoadNetworkError, match="no such file"):
        read_osm(tmp_path / "missing.osm.pbf")
    junk = tmp_path / "junk.osm"
    junk.write_text("this is not xml", encoding="utf-8")
    with pytest.raises(RoadNetworkError, match=r"junk\.osm"):
        read_osm(junk)
    with pytest.raises(RoadNetworkError, match="no drivable road"):
        read_osm(one_road(tmp_path, highway="footway"))
