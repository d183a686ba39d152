from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from shouwang.common.testing import Cast
from shouwang.orgs.actions import do_create_unit
from shouwang.orgs.choices import UnitKind
from shouwang.orgs.tree import deepest_of, stations_over, under_any


def test_each_unit_maps_to_the_station_above_it_in_one_query(cast: Cast) -> None:
    units = [
        cast.city,
        cast.district_a,
        cast.station_a,
        cast.community_a,
        cast.grid_a,
        cast.grid_b,
    ]
    with CaptureQueriesContext(connection) as ctx:
        found = stations_over(units)
    assert len(ctx.captured_queries) == 1
    assert found == {
        cast.station_a.pk: cast.station_a,  # a station is its own
        cast.community_a.pk: cast.station_a,
        cast.grid_a.pk: cast.station_a,
        cast.grid_b.pk: cast.station_b,  # a grid straight under its station
    }


def test_a_unit_under_no_station_is_absent_and_nothing_asks_nothing(cast: Cast) -> None:
    centre = do_create_unit(
        code="990100900", name="反诈中心", kind=UnitKind.CENTRE, parent=cast.city, actor=None
    )
    assert stations_over([centre, cast.district_b]) == {}
    with CaptureQueriesContext(connection) as ctx:
        assert stations_over([]) == {}
    assert not ctx.captured_queries


def test_the_deepest_station_wins(cast: Cast) -> None:
    inner = do_create_unit(
        code="990102001900",
        name="东门警务站",
        kind=UnitKind.STATION,
        parent=cast.station_a,
        actor=None,
    )
    grid = do_create_unit(
        code="990102001900001", name="警务站网格", kind=UnitKind.GRID, parent=inner, actor=None
    )
    assert stations_over([grid, cast.grid_a]) == {
        grid.pk: inner,
        cast.grid_a.pk: cast.station_a,
    }


def test_deepest_of_matches_whole_codes_without_a_query(cast: Cast) -> None:
    station_of = deepest_of([cast.station_a, cast.station_b])
    with CaptureQueriesContext(connection) as ctx:
        assert station_of(cast.grid_a.path) == cast.station_a
        assert station_of(cast.station_b.path) == cast.station_b
        assert station_of(cast.district_a.path) is None
        # A path that only starts with the same characters as a station's is not under it.
        assert station_of(cast.station_a.path.rstrip("/") + "9/") is None
    assert not ctx.captured_queries


def test_under_any_matches_every_subtree_given_and_nothing_for_none(cast: Cast) -> None:
    from shouwang.orgs.models import Unit

    def codes(paths: list[str]) -> set[str]:
        return set(Unit.objects.filter(under_any("path", paths)).values_list("code", flat=True))

    both = codes([cast.grid_a.path, cast.station_b.path])
    assert cast.grid_a.code in both and cast.grid_b.code in both  # grid_b is under station_b
    assert cast.station_a.code not in both and cast.community_a.code not in both
    assert codes([]) == set()
