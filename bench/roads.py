"""How long a road network takes to read and to answer a coverage question.

A synthetic city: an N x N grid of two-way residential streets 100 m apart (N = 300 by
default: 30 km x 30 km, 90,000 junctions, about 17,900 km of street), written as an
OpenStreetMap XML file, with every tenth street a primary road. No extract of a real city is
among the project's data, hence the grid.
Prints the read time, the file size, and the time of `RoadNetwork.minutes` from 10 patrol points
to 10,000 H3-like targets with the 15-minute cut-off (what one patrol page asks), next to the
straight-line computation of the same question (a KD-tree; the baseline).

    .venv/bin/python bench/roads.py            # N = 300
    .venv/bin/python bench/roads.py --size 100 # a quick look
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from scipy.spatial import cKDTree

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from shouwang.engines.roads import read_osm  # noqa: E402
from shouwang.engines.roads.tests.osm import at  # noqa: E402

SPACING_M = 100.0


def write_grid(path: Path, n: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" generator="bench">\n')
        for i in range(n):
            for j in range(n):
                lat, lon = at(j * SPACING_M, i * SPACING_M)
                out.write(f'<node id="{i * n + j + 1}" lat="{lat:.7f}" lon="{lon:.7f}"/>\n')
        way = 0
        for i in range(n):
            for rows in (True, False):  # an east-west street, then a north-south one
                way += 1
                refs = [(i * n + j + 1) if rows else (j * n + i + 1) for j in range(n)]
                kind = "primary" if i % 10 == 0 else "residential"
                nds = "".join(f'<nd ref="{r}"/>' for r in refs)
                out.write(f'<way id="{way}">{nds}<tag k="highway" v="{kind}"/></way>\n')
        out.write("</osm>\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    n = args.size
    rng = np.random.default_rng(7)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "grid.osm"
        write_grid(path, n)
        size_mb = path.stat().st_size / 2**20
        started = time.perf_counter()
        network = read_osm(path)
        read_s = time.perf_counter() - started
    side = (n - 1) * SPACING_M
    print(
        f"grid {n} x {n}: {network.nodes:,} nodes, {network.edges:,} directed edges, "
        f"{network.road_km:,.0f} km of street; OSM XML {size_mb:.1f} MiB read in {read_s:.2f} s"
    )
    patrols = [at(*xy) for xy in rng.uniform(0, side, size=(10, 2))]
    targets = np.array([at(*xy) for xy in rng.uniform(0, side, size=(10_000, 2))])
    road, line = [], []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        minutes = network.minutes(patrols, targets, cap_kmh=30.0, limit_minutes=15.0)
        road.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        metres = np.column_stack([targets[:, 1] * 96_297.0, targets[:, 0] * 111_195.0])
        where = np.array([[lon * 96_297.0, lat * 111_195.0] for lat, lon in patrols])
        straight = cKDTree(where).query(metres)[0] / 500.0
        line.append(time.perf_counter() - t0)
    print(
        f"10 patrols, 10,000 targets, 15-minute cut-off: road {min(road) * 1000:.0f} ms "
        f"(best of {args.repeat}), straight line {min(line) * 1000:.1f} ms; "
        f"ratio x{min(road) / min(line):.0f}"
    )
    for limit in (5, 15):
        print(
            f"   within {limit} min: by road {np.mean(minutes <= limit):.1%} of the targets, "
            f"in straight lines {np.mean(straight <= limit):.1%}"
        )


if __name__ == "__main__":
    main()
