"""The incident pages in a real browser: the map draws incidents, forecast hotspot cells and
the stations' boundaries with the concentration report beside it; the trends page draws its
chart with 同比 / 环比; the commander accepts a duty level; another district's chief sees none
of it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from shouwang.common.testing import POINT_A, POINT_B, Cast
from shouwang.incidents.seed import ensure_categories
from shouwang.incidents.tests.factories import add_incidents

from .conftest import Login

pytestmark = pytest.mark.browser
Shot = Callable[[Page, str], Path]


def _history(cast: Cast) -> None:
    today = timezone.localdate()
    lat, lon = POINT_A
    rows = []
    for d in range(1, 400, 2):
        day = (today - timedelta(days=d)).isoformat()
        rows.append((f"{day} 10:00", "入室盗窃", lat + 0.001 * (d % 3), lon))
        if d % 6 == 1:
            rows.append((f"{day} 21:30", "打架斗殴", lat - 0.002, lon + 0.002 * (d % 2)))
    add_incidents(cast.alice, cast.station_a, rows)
    add_incidents(
        cast.charlie,
        cast.station_b,
        [(f"{today - timedelta(days=1)} 09:00", "交通事故", *POINT_B)],
        name="B",
    )


def test_the_map_and_the_trends_of_a_station(
    cast: Cast, live_server: Any, log_in: Login, screenshot: Shot, page_errors: list[str]
) -> None:
    ensure_categories()  # a transactional test before this one may have flushed the seeded tree
    _history(cast)
    base = live_server.url
    alice = log_in(cast.alice)

    alice.goto(f"{base}/incidents/map/?flag=5")
    alice.wait_for_selector("#incident-map[data-ready=true]")
    status = alice.inner_text("#map-status")
    # Days 1, 3, ..., 27: 14 burglaries and 5 fights (days 1, 7, 13, 19, 25).
    assert "显示 19 起警情" in status and "预测热点网格" in status
    # Leaflet draws on a canvas (preferCanvas); the feeds it drew from are checked directly.
    cells = alice.evaluate(
        "fetch(document.getElementById('incident-map').dataset.forecastUrl).then(r => r.json())"
    )
    assert cells["features"] and cells["features"][0]["properties"]["station"] == "东门派出所"
    assert "从不针对任何人" in alice.inner_text("#concentration")
    assert alice.inner_text("#conc-overlap").endswith("%")
    screenshot(alice, "1-alice-map")

    alice.goto(f"{base}/incidents/map/?flag=5&cell=h3-9")
    alice.wait_for_selector("#incident-map[data-ready=true]")
    hexagons = alice.evaluate(
        "fetch(document.getElementById('incident-map').dataset.forecastUrl).then(r => r.json())"
    )
    assert hexagons["cells"] == "h3-9"
    assert all(len(f["geometry"]["coordinates"][0]) == 7 for f in hexagons["features"])
    screenshot(alice, "1b-alice-map-hexagons")

    alice.goto(f"{base}/incidents/trends/?period=month")
    alice.wait_for_selector("#trend-chart[data-ready=true] svg")
    assert alice.inner_text("#trend-count").strip().isdigit()
    assert "%" in alice.inner_text("#trend-yoy") or "—" in alice.inner_text("#trend-yoy")
    assert "东门派出所" not in alice.inner_text("#trend-units")  # its children are communities
    screenshot(alice, "2-alice-trends")

    # The duty page: the commander accepts tomorrow's recommendation for her station.
    alice.goto(f"{base}/incidents/duty/")
    row = alice.locator("#duty-table tr[data-unit='" + cast.station_a.code + "']")
    recommended = row.locator(".level").first.inner_text()
    row.locator("button.primary").click()
    alice.wait_for_selector(".messages")
    assert "已采纳" in row.inner_text() and recommended in row.inner_text()
    assert recommended in alice.inner_text("#duty-history")
    screenshot(alice, "3-alice-duty")

    charlie = log_in(cast.charlie)
    response = charlie.goto(f"{base}/incidents/map/?unit={cast.station_a.code}")
    assert response is not None and response.status == 404
    charlie.goto(f"{base}/incidents/map/")
    charlie.wait_for_selector("#incident-map[data-ready=true]")
    assert "显示 1 起警情" in charlie.inner_text("#map-status")
    assert page_errors == []
