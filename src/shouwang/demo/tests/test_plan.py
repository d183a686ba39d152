"""The demo city's map, before anything is written: structure, codes and contiguity."""

from __future__ import annotations

from collections import Counter
from random import Random

import h3
import pytest

from shouwang.demo.geo import carve, components, grow_region, is_connected, random_point
from shouwang.demo.names import credit_code, org_check, uscc_check
from shouwang.demo.plan import CITY_CODE, CityShape, UnitPlan, plan_city

CODE_LENGTH = {"city": 6, "district": 6, "station": 9, "community": 12, "grid": 15}


@pytest.fixture(scope="module")
def city() -> UnitPlan:
    plan, _names = plan_city(Random(2026))
    return plan


def test_it_has_the_shape_of_a_prefecture_level_city(city: UnitPlan) -> None:
    shape = CityShape()
    assert shape.districts[0] <= len(city.children) <= shape.districts[1]
    for district in city.children:
        assert shape.stations[0] <= len(district.children) <= shape.stations[1]
        for station in district.children:
            assert shape.communities[0] <= len(station.children) <= shape.communities[1]
            for community in station.children:
                assert shape.grids[0] <= len(community.children) <= shape.grids[1]


def test_codes_extend_their_parents_code_and_use_the_fictional_province(city: UnitPlan) -> None:
    assert city.code == CITY_CODE and CITY_CODE.startswith("99")

    def check(unit: UnitPlan, parent_code: str) -> None:
        assert len(unit.code) == CODE_LENGTH[unit.kind] and unit.code.isdigit()
        if unit.kind == "district":
            assert unit.code[:4] == parent_code[:4]
        elif unit.kind != "city":
            assert unit.code.startswith(parent_code)
        for child in unit.children:
            check(child, unit.code)

    check(city, "")
    codes = [u.code for u in city.walk()]
    names = [u.name for u in city.walk()]
    assert len(codes) == len(set(codes))
    assert len(names) == len(set(names))


def test_every_cell_belongs_to_exactly_one_grid(city: UnitPlan) -> None:
    cells = Counter(cell for grid in city.grids() for cell in grid.cells)
    assert set(cells.values()) == {1}
    assert set(cells) == set(city.cells)
    assert all(h3.get_resolution(cell) == 8 for cell in cells)


def test_every_unit_is_one_contiguous_area(city: UnitPlan) -> None:
    disconnected = [u.code for u in city.walk() if not is_connected(u.cells)]
    assert disconnected == []
    assert all(grid.cells for grid in city.grids())


def test_the_city_lies_around_its_centre(city: UnitPlan) -> None:
    lat, lon = h3.cell_to_latlng(h3.latlng_to_cell(30.25, 120.15, 8))
    assert h3.latlng_to_cell(lat, lon, 8) in set(city.cells)


def test_the_same_seed_gives_the_same_map_and_another_seed_another() -> None:
    first, _ = plan_city(Random(7))
    again, _ = plan_city(Random(7))
    other, _ = plan_city(Random(8))
    snapshot = [(u.code, u.name, u.cells) for u in first.walk()]
    assert snapshot == [(u.code, u.name, u.cells) for u in again.walk()]
    assert snapshot != [(u.code, u.name, u.cells) for u in other.walk()]


def test_carve_keeps_every_part_and_the_rest_connected() -> None:
    rng = Random(3)
    region = grow_region(30.25, 120.15, 200, rng)
    parts = carve(region, [50, 50, 40, 60], rng)
    assert sorted(c for p in parts for c in p) == sorted(region)
    assert all(len(components(p)) == 1 for p in parts)


def test_a_random_point_lies_in_its_cell() -> None:
    rng = Random(5)
    cell = h3.latlng_to_cell(30.25, 120.15, 8)
    for _ in range(200):
        lat, lon = random_point(cell, rng)
        assert h3.latlng_to_cell(lat, lon, 8) == cell


def test_check_characters_match_the_standards_published_examples() -> None:
    assert org_check("D2143569") == "X"  # GB 11714: D2143569-X
    assert uscc_check("91350100M000100Y4") == "3"  # GB 32100: 91350100M000100Y43


def test_generated_credit_codes_are_valid_and_carry_the_area_code() -> None:
    rng = Random(1)
    for _ in range(100):
        code = credit_code(rng, "990502")
        assert len(code) == 18 and code.startswith("91990502")
        assert code[16] == org_check(code[8:16])
        assert code[17] == uscc_check(code[:17])
