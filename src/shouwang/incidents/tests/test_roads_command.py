"""`shouwang roads FILE`: the check an operator runs on an extract before configuring it."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from shouwang.engines.roads.tests.osm import at, river_town


def test_the_roads_command_summarises_an_extract(tmp_path: Path) -> None:
    town = river_town(tmp_path / "town.osm")
    out = StringIO()
    lat, lon = at(0, 0)
    with translation.override("zh-hans"):  # another test may have left English active
        call_command("roads", str(town), "--from", f"{lat},{lon}", "--speed", "30", stdout=out)
    text = out.getvalue()
    assert "22 个节点" in text and "42 条有向路段" in text and "道路总长 4.3 公里" in text
    # 5 minutes at 25 km/h: 2,083 m of the south street, 11 of its 11 nodes but none north.
    assert "5 分钟内可达 50.0% 的路网节点" in text
    with translation.override("zh-hans"), pytest.raises(CommandError, match="路网文件无法读取"):
        call_command("roads", str(tmp_path / "none.osm"), stdout=StringIO())
