"""`shouwang load_demo` and `shouwang demo`."""

from __future__ import annotations

import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from shouwang.common.testing import Cast
from shouwang.demo.management.commands import demo as demo_command
from shouwang.demo.plan import SMALL_SHAPE
from shouwang.hazards.models import Hazard
from shouwang.orgs.models import Unit


def test_load_demo_refuses_a_database_that_holds_data(cast: Cast) -> None:
    units = Unit.objects.count()
    with pytest.raises(CommandError, match="--if-empty"):
        call_command("load_demo", scale=0.01)
    assert Unit.objects.count() == units
    assert not Hazard.objects.exists()


def test_load_demo_if_empty_leaves_existing_data_alone(cast: Cast) -> None:
    out = StringIO()
    call_command("load_demo", scale=0.01, if_empty=True, stdout=out)
    assert "已有数据" in out.getvalue()
    assert not Unit.objects.filter(code__startswith="9905").exists()


def test_load_demo_rejects_a_scale_that_is_not_positive(db: None) -> None:
    with pytest.raises(CommandError, match="--scale"):
        call_command("load_demo", scale=0)
    assert not Unit.objects.exists()


def test_load_demo_fills_an_empty_database_and_prints_the_logins(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The full-size city is tested elsewhere; the command only has to wire it up.
    from shouwang.demo import generate

    monkeypatch.setattr(generate, "CityShape", lambda: SMALL_SHAPE)
    out = StringIO()
    call_command("load_demo", scale=0.05, seed=3, stdout=out)
    assert Hazard.objects.count() == 100
    text = out.getvalue()
    assert "100 条隐患" in text and "shouwang-demo" in text and "chief" in text
    assert "可追踪资金的报案(已导入银行流水):ZP" in text


def test_demo_rejects_a_malformed_address(db: None) -> None:
    with pytest.raises(CommandError, match="--addr"):
        call_command("demo", addr="8000")


def test_demo_stops_the_other_children_when_one_exits(monkeypatch: pytest.MonkeyPatch) -> None:
    spawned: list[subprocess.Popen[bytes]] = []

    def spawn(self: object, command: list[str]) -> subprocess.Popen[bytes]:
        # A long-running child and one that exits at once, standing in for the real ones.
        seconds = "60" if command[0] == "runserver" else "0"
        child = subprocess.Popen([sys.executable, "-c", f"import time; time.sleep({seconds})"])  # noqa: S603
        spawned.append(child)
        return child

    monkeypatch.setattr(demo_command.Command, "_spawn", spawn)
    command = demo_command.Command(stdout=StringIO(), stderr=StringIO())
    command._supervise([["runserver"], ["db_worker"]])
    assert [child.poll() is not None for child in spawned] == [True, True]
    assert spawned[0].returncode != 0  # terminated, not finished
