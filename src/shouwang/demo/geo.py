"""Carving the demo city out of H3 cells.

The city is one connected blob of resolution-8 cells; it is split into districts, each district
into stations, and so on down to grids, so that every part at every level is contiguous and
every cell belongs to exactly one grid. Sets are never iterated unsorted: the same seed must
give the same map in every process, whatever the string hash seed.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable, Sequence
from functools import cache
from random import Random

import h3

RESOLUTION = 8


class CarveError(RuntimeError):
    """A region could not be split into parts of the sizes asked for."""


@cache
def neighbours(cell: str) -> tuple[str, ...]:
    return tuple(sorted(str(c) for c in h3.grid_ring(cell, 1)))


@cache
def centre_of(cell: str) -> tuple[float, float]:
    lat, lon = h3.cell_to_latlng(cell)
    return float(lat), float(lon)


@cache
def boundary_of(cell: str) -> tuple[tuple[float, float], ...]:
    return tuple((float(lat), float(lon)) for lat, lon in h3.cell_to_boundary(cell))


def grow_region(lat: float, lon: float, size: int, rng: Random) -> list[str]:
    """A connected blob of `size` cells grown at random from the cell at (lat, lon).

    Each step adds a random cell of the frontier (Eden growth): the outline comes out
    irregular, like a real city's, and the blob is connected by construction.
    """
    start = str(h3.latlng_to_cell(lat, lon, RESOLUTION))
    region = {start}
    frontier = list(neighbours(start))
    queued = set(frontier)
    while len(region) < size:
        i = rng.randrange(len(frontier))
        cell = frontier[i]
        frontier[i] = frontier[-1]
        frontier.pop()
        region.add(cell)
        for n in neighbours(cell):
            if n not in region and n not in queued:
                frontier.append(n)
                queued.add(n)
    return sorted(region)


def components(cells: Iterable[str]) -> list[list[str]]:
    """The connected parts of a set of cells, largest first (ties by their first cell)."""
    left = set(cells)
    found: list[list[str]] = []
    for seed in sorted(left):
        if seed not in left:
            continue
        left.discard(seed)
        part = [seed]
        queue = deque([seed])
        while queue:
            for n in neighbours(queue.popleft()):
                if n in left:
                    left.discard(n)
                    part.append(n)
                    queue.append(n)
        found.append(sorted(part))
    found.sort(key=lambda p: (-len(p), p[0]))
    return found


def is_connected(cells: Sequence[str]) -> bool:
    return len(components(cells)) <= 1


def _bfs_prefix(seed: str, within: set[str], size: int, rng: Random) -> set[str]:
    """The first `size` cells of a breadth-first walk from `seed` inside `within`: connected,
    because every cell is reached from one taken before it."""
    taken = {seed}
    queue = deque([seed])
    while queue and len(taken) < size:
        ring = [n for n in neighbours(queue.popleft()) if n in within and n not in taken]
        rng.shuffle(ring)
        for n in ring:
            if len(taken) >= size:
                break
            taken.add(n)
            queue.append(n)
    return taken


def carve(region: Sequence[str], sizes: Sequence[int], rng: Random) -> list[list[str]]:
    """Split a connected region into len(sizes) contiguous parts of about those sizes.

    Parts are peeled off one side at a time (the first parts lie at the edge, the last is what
    remains in the middle). When peeling a part would cut the rest in two, the smaller pieces
    join the part, so the rest stays connected; part sizes are therefore approximate.
    """
    if sum(sizes) != len(region):
        raise CarveError(f"sizes sum to {sum(sizes)}, region has {len(region)} cells")
    remaining = set(region)
    parts: list[list[str]] = []
    for i, size in enumerate(sizes[:-1]):
        if len(remaining) < len(sizes) - i:
            raise CarveError("a part swallowed the cells its neighbours needed")
        angle = rng.uniform(0, 2 * math.pi)
        dx, dy = math.cos(angle), math.sin(angle)
        ordered = sorted(remaining)
        seed = min(ordered, key=lambda c: centre_of(c)[1] * dx + centre_of(c)[0] * dy)
        part = _bfs_prefix(seed, remaining, size, rng)
        remaining -= part
        pieces = components(remaining)
        for extra in pieces[1:]:
            part.update(extra)
            remaining.difference_update(extra)
        parts.append(sorted(part))
    if not remaining:
        raise CarveError("a part swallowed the cells its neighbours needed")
    parts.append(sorted(remaining))
    return parts


def proportional_sizes(total: int, weights: Sequence[int]) -> list[int]:
    """Integer sizes summing to `total`, in proportion to `weights` (largest remainders)."""
    whole = sum(weights)
    raw = [total * w / whole for w in weights]
    sizes = [int(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: (sizes[i] - raw[i], i))
    for i in order[: total - sum(sizes)]:
        sizes[i] += 1
    return sizes


def random_point(cell: str, rng: Random) -> tuple[float, float]:
    """A random point strictly inside the cell: a point of one of the six triangles between
    the centre and the boundary, pulled a little towards the centre."""
    clat, clon = centre_of(cell)
    corners = boundary_of(cell)
    i = rng.randrange(len(corners))
    (alat, alon), (blat, blon) = corners[i], corners[(i + 1) % len(corners)]
    r1, r2 = rng.random(), rng.random()
    if r1 + r2 > 1:
        r1, r2 = 1 - r1, 1 - r2
    shrink = 0.9
    lat = round(clat + shrink * (r1 * (alat - clat) + r2 * (blat - clat)), 6)
    lon = round(clon + shrink * (r1 * (alon - clon) + r2 * (blon - clon)), 6)
    if str(h3.latlng_to_cell(lat, lon, RESOLUTION)) != cell:
        return round(clat, 6), round(clon, 6)
    return lat, lon


def outline(cells: Sequence[str]) -> dict[str, object]:
    """The GeoJSON geometry (RFC 7946, lon/lat) of a set of cells."""
    shape = h3.cells_to_h3shape(list(cells))
    geo = shape.__geo_interface__

    def listify(value: object) -> object:
        if isinstance(value, list | tuple):
            return [listify(v) for v in value]
        if isinstance(value, float):
            return round(value, 6)
        return value

    return {"type": geo["type"], "coordinates": listify(geo["coordinates"])}


def centroid(cells: Sequence[str]) -> tuple[float, float]:
    lats = [centre_of(c)[0] for c in cells]
    lons = [centre_of(c)[1] for c in cells]
    return round(sum(lats) / len(lats), 6), round(sum(lons) / len(lons), 6)
