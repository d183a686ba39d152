"""Finding duplicate incidents: the same call entered twice, or by two systems.

Two records are the same incident when they have the same category, times within
`minutes` and places within `metres`. A new row is compared with the incidents already
stored and with the rows above it in the same file; the first one found is what it
duplicates. No Django here.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass

_M_PER_DEG_LAT = 110_574.0
_M_PER_DEG_LON_EQUATOR = 111_320.0


@dataclass(frozen=True)
class Point:
    key: int  # an incident id (stored) or a row number (new)
    category: int
    t: float  # seconds since the epoch
    lat: float
    lon: float


def distance_m(a: Point, b: Point) -> float:
    """Equirectangular distance: exact enough at the few hundred metres that matter here."""
    dy = (a.lat - b.lat) * _M_PER_DEG_LAT
    dx = (a.lon - b.lon) * _M_PER_DEG_LON_EQUATOR * math.cos(math.radians((a.lat + b.lat) / 2))
    return math.hypot(dx, dy)


def near_duplicates(
    new: list[Point], stored: list[Point], *, minutes: float, metres: float
) -> dict[int, tuple[str, int]]:
    """{new row key: ("stored", incident id) or ("row", earlier row key)} for each duplicate.

    `new` is in file order. A duplicate row is not itself a match for later rows: it will not
    be stored, and the row it repeats already stands for it.
    """
    window = minutes * 60.0
    by_category: dict[int, list[tuple[float, int, Point]]] = defaultdict(list)
    for p in stored:
        by_category[p.category].append((p.t, 0, p))
    for order, p in enumerate(new):
        by_category[p.category].append((p.t, order + 1, p))
    for items in by_category.values():
        items.sort(key=lambda item: (item[0], item[1]))
    times = {category: [item[0] for item in items] for category, items in by_category.items()}
    found: dict[int, tuple[str, int]] = {}
    # File order, so that whether an earlier row is itself a duplicate is already known.
    for order, p in enumerate(new, start=1):
        items = by_category[p.category]
        start = bisect_left(times[p.category], p.t - window)
        for other_t, other_order, other in items[start:]:
            if other_t > p.t + window:
                break
            if other_order >= order or (other_order > 0 and other.key in found):
                continue
            if distance_m(p, other) <= metres:
                found[p.key] = ("stored", other.key) if other_order == 0 else ("row", other.key)
                break
    return found
