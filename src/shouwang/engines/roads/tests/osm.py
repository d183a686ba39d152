"""Small OpenStreetMap files written for the tests, as a mapper would draw them."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

ORIGIN = (30.0, 120.0)
METRES_PER_DEGREE = 111_195.0


def at(x_m: float, y_m: float, origin: tuple[float, float] = ORIGIN) -> tuple[float, float]:
    """(lat, lon) of a point x metres east and y metres north of `origin`."""
    lat0, lon0 = origin
    east = METRES_PER_DEGREE * math.cos(math.radians(lat0))
    return lat0 + y_m / METRES_PER_DEGREE, lon0 + x_m / east


@dataclass
class OsmFile:
    origin: tuple[float, float] = ORIGIN
    nodes: dict[int, tuple[float, float]] = field(default_factory=dict)
    ways: list[tuple[list[int], dict[str, str]]] = field(default_factory=list)

    def node(self, node_id: int, x_m: float, y_m: float) -> int:
        self.nodes[node_id] = at(x_m, y_m, self.origin)
        return node_id

    def way(self, refs: list[int], **tags: str) -> None:
        self.ways.append((refs, tags))

    def write(self, path: Path) -> Path:
        lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6" generator="test">']
        for node_id, (lat, lon) in self.nodes.items():
            lines.append(f'  <node id="{node_id}" lat="{lat:.7f}" lon="{lon:.7f}"/>')
        for n, (refs, tags) in enumerate(self.ways, start=1):
            body = "".join(f'<nd ref="{r}"/>' for r in refs)
            body += "".join(f'<tag k="{k}" v="{v}"/>' for k, v in tags.items())
            lines.append(f'  <way id="{n}">{body}</way>')
        lines.append("</osm>")
        path.write_text("\n".join(lines), encoding="utf-8")
        return path


def river_town(path: Path) -> Path:
    """Two east-west streets 300 m apart (y = 0 and y = 300), 2 km long, with a river between
    them and one bridge, at the east end (x = 2000). Residential, 25 km/h."""
    osm = OsmFile()
    south = [osm.node(100 + i, 200.0 * i, 0.0) for i in range(11)]
    north = [osm.node(200 + i, 200.0 * i, 300.0) for i in range(11)]
    osm.way(south, highway="residential")
    osm.way(north, highway="residential")
    osm.way([south[-1], north[-1]], highway="residential", bridge="yes")
    osm.way([osm.node(900, 0, 100), osm.node(901, 0, 200)], highway="footway")  # no car
    return osm.write(path)
