"""A drivable road graph read from an OpenStreetMap extract, and shortest travel times on it.

Which ways: every way whose `highway` tag is a road a patrol car drives on (the keys of
`ROAD_SPEED_KMH`); footways, cycleways, paths, steps and tracks are left out. Access tags are
ignored: a police car on a call may use private and restricted roads.

How fast: a way's `maxspeed` (km/h, or "mph") when it has one, else its class's usual urban
speed below, and never above the cap the caller gives (the page's speed field), so that one
number still sets how fast patrols move. Direction: `oneway=yes|true|1` and roundabouts and
motorways one way forwards, `oneway=-1` backwards.

Reaching a place off the graph: a point is joined to its nearest road node by a straight
segment driven at the cap speed, if that node lies within `SNAP_LIMIT_M`; farther from any
road, a place counts as not reachable by road.

Any format pyosmium reads: .osm.pbf (the usual extract), .osm, .osm.gz, .osm.bz2.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import numpy as np
import osmium
from numpy.typing import NDArray
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

ROAD_SPEED_KMH: dict[str, float] = {
    "motorway": 90.0,
    "motorway_link": 50.0,
    "trunk": 70.0,
    "trunk_link": 40.0,
    "primary": 50.0,
    "primary_link": 40.0,
    "secondary": 40.0,
    "secondary_link": 30.0,
    "tertiary": 35.0,
    "tertiary_link": 30.0,
    "unclassified": 30.0,
    "road": 25.0,
    "residential": 25.0,
    "living_street": 10.0,
    "service": 15.0,
}
ONE_WAY_CLASSES = {"motorway", "motorway_link"}
SNAP_LIMIT_M = 500.0
EARTH_RADIUS_M = 6_371_008.8
_SPEED = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(mph|km/h|kmh|kph)?\s*$")


class RoadNetworkError(ValueError):
    """An extract that cannot be read, or that holds no drivable road."""


def parse_maxspeed(text: str | None) -> float | None:
    """`50`, `50 km/h`, `30 mph` as km/h; anything else ("CN:urban", "none", "signals") None."""
    if not text:
        return None
    match = _SPEED.match(text)
    if match is None:
        return None
    value = float(match.group(1))
    if match.group(2) == "mph":
        value *= 1.609344
    return value if value > 0 else None


def _direction(tags: dict[str, str], highway: str) -> int:
    """1 forwards only, -1 backwards only, 0 both ways."""
    oneway = tags.get("oneway", "").lower()
    if oneway in {"yes", "true", "1"}:
        return 1
    if oneway in {"-1", "reverse"}:
        return -1
    if oneway == "no":
        return 0
    if highway in ONE_WAY_CLASSES or tags.get("junction") in {"roundabout", "circular"}:
        return 1
    return 0


def _haversine_m(
    lat1: FloatArray, lon1: FloatArray, lat2: FloatArray, lon2: FloatArray
) -> FloatArray:
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dlat, dlon = p2 - p1, np.radians(lon2 - lon1)
    a = np.sin(dlat / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlon / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(a)), dtype=np.float64)


@dataclass(frozen=True)
class RoadNetwork:
    """Nodes (WGS-84) and directed edges with their length and speed limit."""

    lat: FloatArray
    lon: FloatArray
    tail: IntArray
    head: IntArray
    length_m: FloatArray
    speed_kmh: FloatArray
    road_km: float  # length of the roads, each counted once whatever its directions
    source: str

    @property
    def nodes(self) -> int:
        return len(self.lat)

    @property
    def edges(self) -> int:
        return len(self.tail)

    def _metres(self, lat: FloatArray, lon: FloatArray) -> FloatArray:
        """A local equirectangular projection around the network's middle: metres, accurate to
        well under 1 % across a city, enough for joining points to their nearest road."""
        lat0 = math.radians(float(np.mean(self.lat)))
        x = np.radians(lon) * EARTH_RADIUS_M * math.cos(lat0)
        y = np.radians(lat) * EARTH_RADIUS_M
        return np.column_stack([x, y])

    def minutes(
        self,
        sources: list[tuple[float, float]],
        targets: FloatArray,
        cap_kmh: float,
        limit_minutes: float = math.inf,
    ) -> FloatArray:
        """Shortest driving time in minutes from the nearest of `sources` to each of `targets`
        (both as (lat, lon)); inf where no road reaches within `limit_minutes`."""
        if cap_kmh <= 0:
            raise ValueError("cap_kmh must be positive")
        targets = np.asarray(targets, dtype=np.float64).reshape(-1, 2)
        result = np.full(len(targets), np.inf)
        if not sources or len(targets) == 0:
            return result
        tree = cKDTree(self._metres(self.lat, self.lon))
        per_metre = 60.0 / (cap_kmh * 1000.0)  # minutes a metre at the cap
        where = np.asarray(sources, dtype=np.float64).reshape(-1, 2)
        snap, start = tree.query(self._metres(where[:, 0], where[:, 1]))
        near = snap <= SNAP_LIMIT_M
        if not near.any():
            return result
        # A virtual node joined to each source's nearest road node by the time to drive there,
        # so that one Dijkstra run gives the time from the nearest source everywhere.
        virtual = self.nodes
        speed = np.minimum(self.speed_kmh, cap_kmh)
        weight = self.length_m * 60.0 / (speed * 1000.0)
        tail = np.concatenate([self.tail, np.full(int(near.sum()), virtual)])
        head = np.concatenate([self.head, start[near].astype(np.int64)])
        weight = np.concatenate([weight, snap[near] * per_metre])
        # Parallel edges would be summed by the sparse matrix: keep the fastest of each pair.
        order = np.lexsort((weight, head, tail))
        tail, head, weight = tail[order], head[order], weight[order]
        first = np.ones(len(tail), dtype=bool)
        first[1:] = (tail[1:] != tail[:-1]) | (head[1:] != head[:-1])
        # Zero-length edges are real (nodes on top of each other): keep them as a tiny weight,
        # since a sparse matrix drops explicit zeros.
        weight = np.maximum(weight, 1e-9)
        graph = csr_matrix(
            (weight[first], (tail[first], head[first])), shape=(self.nodes + 1, self.nodes + 1)
        )
        at_node = dijkstra(graph, directed=True, indices=virtual, limit=limit_minutes)
        gap, nearest = tree.query(self._metres(targets[:, 0], targets[:, 1]))
        result = at_node[nearest] + gap * per_metre
        result[gap > SNAP_LIMIT_M] = np.inf
        result[result > limit_minutes] = np.inf
        return np.asarray(result, dtype=np.float64)


def read_osm(path: str | Path) -> RoadNetwork:
    """The drivable roads of an OpenStreetMap extract."""
    path = Path(path)
    if not path.is_file():
        raise RoadNetworkError(f"no such file: {path}")
    index: dict[int, int] = {}
    lat: list[float] = []
    lon: list[float] = []
    tails: list[int] = []
    heads: list[int] = []
    speeds: list[float] = []
    try:
        processor = (
            osmium.FileProcessor(str(path))
            .with_locations()
            .with_filter(osmium.filter.KeyFilter("highway"))
        )
        for way in processor:
            if not isinstance(way, osmium.osm.Way):
                continue
            tags = {t.k: t.v for t in way.tags}
            highway = tags.get("highway", "")
            if highway not in ROAD_SPEED_KMH:
                continue
            speed = parse_maxspeed(tags.get("maxspeed")) or ROAD_SPEED_KMH[highway]
            direction = _direction(tags, highway)
            ids = []
            for node in way.nodes:
                if not node.location.valid():
                    continue  # a node the extract cut off at its border
                if node.ref not in index:
                    index[node.ref] = len(lat)
                    lat.append(node.lat)
                    lon.append(node.lon)
                ids.append(index[node.ref])
            for a, b in pairwise(ids):
                if direction >= 0:
                    tails.append(a)
                    heads.append(b)
                    speeds.append(speed)
                if direction <= 0:
                    tails.append(b)
                    heads.append(a)
                    speeds.append(speed)
    except RuntimeError as exc:  # pyosmium's reader reports a bad file this way
        raise RoadNetworkError(f"{path.name}: not a readable OpenStreetMap file ({exc})") from None
    if not tails:
        raise RoadNetworkError(f"{path.name}: no drivable road in this extract")
    lat_a, lon_a = np.array(lat), np.array(lon)
    tail, head = np.array(tails, dtype=np.int64), np.array(heads, dtype=np.int64)
    length = _haversine_m(lat_a[tail], lon_a[tail], lat_a[head], lon_a[head])
    # Each stretch of road once: a two-way stretch is two edges, a one-way stretch one.
    lo, hi = np.minimum(tail, head), np.maximum(tail, head)
    _, once = np.unique(lo * (len(lat_a) + 1) + hi, return_index=True)
    pair_km = float(length[once].sum()) / 1000.0
    return RoadNetwork(
        lat=lat_a,
        lon=lon_a,
        tail=tail,
        head=head,
        length_m=length,
        speed_kmh=np.array(speeds, dtype=np.float64),
        road_km=pair_km,
        source=str(path),
    )
