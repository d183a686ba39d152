"""The week-alert check runs inside the import's write transaction: its statements must not
grow with the number of stations an import touches, and it looks only at what was written."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from shouwang.common.testing import POINT_A, POINT_B, Cast
from shouwang.incidents.models import Incident, IncidentCategory
from shouwang.incidents.notify import notify_week_alerts
from shouwang.orgs.actions import do_create_unit
from shouwang.orgs.choices import UnitKind
from shouwang.orgs.models import Unit

from .factories import csv_file, mapping

TODAY = date(2026, 4, 15)


def _history(units: list[Unit]) -> None:
    """Two incidents a week for half a year at each unit: judged, and nothing to tell."""
    category = IncidentCategory.objects.order_by("pk").first()
    assert category is not None
    Incident.objects.bulk_create(
        Incident(
            occurred_at=timezone.make_aware(
                datetime.combine(TODAY - timedelta(days=d), time(9 + k))
            ),
            category=category,
            lat=POINT_A[0],
            lon=POINT_A[1],
            h3_cell="",
            unit=unit,
        )
        for unit in units
        for d in range(3, 180, 7)
        for k in range(2)
    )


def _statements(units: list[Unit]) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert notify_week_alerts(units, today=TODAY) == 0
    return len(ctx.captured_queries)


def test_the_check_takes_as_many_statements_for_many_stations_as_for_one(cast: Cast) -> None:
    more = [
        do_create_unit(
            code=f"99010200{k}",
            name=f"第{k}派出所",
            kind=UnitKind.STATION,
            parent=cast.district_a,
            actor=None,
        )
        for k in range(2, 6)
    ]
    _history([cast.grid_a, cast.grid_b, *more])
    one = _statements([cast.grid_a])
    many = _statements([cast.grid_a, cast.grid_b, *more])
    assert many == one <= 3  # the stations, the day counts, the first incidents
    assert _statements([]) == 0
    assert _statements([cast.district_a]) == 1  # above every station: nothing to judge


def test_an_import_checks_only_the_units_it_wrote(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    from shouwang.incidents.actions import do_import_incidents

    checked: list[set[str]] = []

    def spy(units: Any, today: date | None = None) -> int:
        checked.append({u.code for u in units})
        return 0

    monkeypatch.setattr("shouwang.incidents.actions.notify_week_alerts", spy)
    used = mapping(cast.admin, cast.city)
    first = csv_file([["2026-04-14 09:00", "入室盗窃", POINT_B[1], POINT_B[0], "", "B-1"]])
    assert do_import_incidents(first, filename="a.csv", mapping=used, actor=cast.admin).imported
    again = csv_file(
        [
            ["2026-04-14 09:00", "入室盗窃", POINT_B[1], POINT_B[0], "", "B-1"],
            ["2026-04-14 10:00", "入室盗窃", POINT_A[1], POINT_A[0], "", "A-1"],
        ]
    )
    result = do_import_incidents(again, filename="b.csv", mapping=used, actor=cast.admin)
    assert (result.imported, len(result.duplicates)) == (1, 1)
    assert checked == [{cast.grid_b.code}, {cast.grid_a.code}]
