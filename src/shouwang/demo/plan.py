"""The demo city's jurisdiction tree as plain data, before anything touches the database.

A prefecture-level city (GB/T 2260-style code with the non-existent province prefix 99):
urban districts in the middle, counties around them, stations (district code + 3 digits),
communities (+3) and grids (+3), each grid a contiguous cluster of H3 resolution-8 cells.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from random import Random

from shouwang.demo.geo import CarveError, carve, grow_region, proportional_sizes
from shouwang.demo.names import COUNTIES, URBAN_DISTRICTS, NameBook

CITY_CODE = "990500"
CITY_NAME = "清河市"
CITY_SHORT = "清河"
CENTRE_CODE = "990500901"
CENTRE_NAME = "清河市公安局反诈中心"
CITY_LAT, CITY_LON = 30.25, 120.15


@dataclass(frozen=True)
class CityShape:
    """How many children each level has (inclusive ranges), and cells per grid."""

    districts: tuple[int, int] = (5, 7)
    stations: tuple[int, int] = (3, 6)
    communities: tuple[int, int] = (2, 5)
    grids: tuple[int, int] = (3, 8)
    urban_grid_cells: tuple[int, int] = (2, 5)
    county_grid_cells: tuple[int, int] = (4, 10)


# A small city for tests: same structure, a fraction of the size.
SMALL_SHAPE = CityShape(
    districts=(2, 2),
    stations=(2, 2),
    communities=(1, 2),
    grids=(2, 3),
    urban_grid_cells=(2, 3),
    county_grid_cells=(2, 4),
)


@dataclass
class UnitPlan:
    code: str
    name: str
    kind: str  # a UnitKind value
    urban: bool
    children: list[UnitPlan] = field(default_factory=list)
    cells: list[str] = field(default_factory=list)
    # Cells planned for a grid before carving; the carved grid may come out a little different.
    planned_cells: int = 0

    def walk(self) -> Iterator[UnitPlan]:
        yield self
        for child in self.children:
            yield from child.walk()

    def grids(self) -> list[UnitPlan]:
        return [u for u in self.walk() if u.kind == "grid"]

    def weight(self) -> int:
        return sum(g.planned_cells for g in self.grids())


def _skeleton(rng: Random, shape: CityShape, names: NameBook) -> UnitPlan:
    city = UnitPlan(CITY_CODE, CITY_NAME, "city", urban=True)
    n_districts = rng.randint(*shape.districts)
    n_counties = min(n_districts - 1, rng.randint(2, 3))
    urban_names = rng.sample(URBAN_DISTRICTS, n_districts - n_counties)
    county_names = rng.sample(COUNTIES, n_counties)
    for i in range(n_districts):
        urban = i < len(urban_names)
        if urban:
            code, name = f"{CITY_CODE[:4]}{i + 2:02d}", urban_names[i]
        else:
            code, name = (
                f"{CITY_CODE[:4]}{21 + i - len(urban_names)}",
                county_names[i - len(urban_names)],
            )
        district = UnitPlan(code, name, "district", urban)
        city.children.append(district)
        for s in range(rng.randint(*shape.stations)):
            station = UnitPlan(f"{code}{s + 1:03d}", f"{names.place()}派出所", "station", urban)
            district.children.append(station)
            for c in range(rng.randint(*shape.communities)):
                suffix = "社区" if urban else "村"
                community = UnitPlan(
                    f"{station.code}{c + 1:03d}", names.place() + suffix, "community", urban
                )
                station.children.append(community)
                cells = shape.urban_grid_cells if urban else shape.county_grid_cells
                for g in range(rng.randint(*shape.grids)):
                    community.children.append(
                        UnitPlan(
                            f"{community.code}{g + 1:03d}",
                            f"{community.name}第{g + 1}网格",
                            "grid",
                            urban,
                            planned_cells=rng.randint(*cells),
                        )
                    )
    return city


def _assign(node: UnitPlan, region: list[str], rng: Random) -> None:
    node.cells = region
    if not node.children:
        return
    # Counties are peeled off the edge first; the last urban district keeps the centre.
    order = (
        sorted(node.children, key=lambda c: (c.urban, c.code))
        if node.kind == "city"
        else (list(node.children))
    )
    for _attempt in range(50):
        sizes = proportional_sizes(len(region), [c.weight() for c in order])
        try:
            parts = carve(region, sizes, rng)
        except CarveError:
            continue
        if all(len(p) >= len(c.grids()) for p, c in zip(parts, order, strict=True)):
            break
    else:
        raise CarveError(f"could not split {node.code} into its {len(order)} parts")
    for child, part in zip(order, parts, strict=True):
        _assign(child, part, rng)


def plan_city(rng: Random, shape: CityShape = CityShape()) -> tuple[UnitPlan, NameBook]:
    """The whole tree with every grid's cells; the name book keeps later names unique."""
    names = NameBook(rng)
    city = _skeleton(rng, shape, names)
    region = grow_region(CITY_LAT, CITY_LON, city.weight(), rng)
    _assign(city, region, rng)
    return city, names
