"""`shouwang import_incidents`: imports, reports errors by row and column, writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from shouwang.common.testing import POINT_A, Cast
from shouwang.incidents.models import Incident

from .factories import csv_file, mapping


def test_the_command_imports_and_reports_errors(cast: Cast, tmp_path: Path, capsys) -> None:
    used = mapping(cast.alice, cast.station_a)
    lat, lon = POINT_A
    good = tmp_path / "good.csv"
    good.write_bytes(csv_file([["2026-02-01 08:00", "入室盗窃", lon, lat, "", "C1"]]).getvalue())
    call_command("import_incidents", str(good), mapping=used.pk, user="alice")
    assert Incident.objects.count() == 1
    assert "已导入 1 起警情" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_file([["2026-02-01 08:00", "入室盗窃", "x", lat, "", "C2"]]).getvalue())
    with pytest.raises(CommandError):
        call_command("import_incidents", str(bad), mapping=used.pk, user="alice")
    assert "第 2 行 C 列(经度) “x”" in capsys.readouterr().err
    assert Incident.objects.count() == 1
    with pytest.raises(CommandError):
        call_command("import_incidents", str(good), mapping=used.pk, user="charlie")
