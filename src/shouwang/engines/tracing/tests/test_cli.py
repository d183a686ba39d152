"""`shouwang trace`, run as an analyst would run it (a separate process: no Django here)."""

from __future__ import annotations

import subprocess
import sys

import pyarrow.parquet as pq  # type: ignore[import-untyped]

from shouwang.engines.tracing.tests.test_rules import MIXED


def shouwang(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603  our own interpreter and arguments
        [sys.executable, "-m", "shouwang", "trace", *args],
        capture_output=True,
        text=True,
        check=False,
    )


def test_it_prints_the_freeze_list_as_csv(tmp_path):
    pq.write_table(MIXED, tmp_path / "t.parquet")
    done = shouwang(
        "--transactions", str(tmp_path / "t.parquet"), "--from", "M", "--amount", "1000",
        "--time", "2025-03-01T09:00", "--rule", "haircut", "--hops", "3", "--window", "2h",
        "--lookback", "1h",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "account,bank,amount_held,hops",
        "A,bank-of-A,500.00,1",
        "B,bank-of-B,500.00,1",
    ]


def test_it_explains_a_missing_column(tmp_path):
    pq.write_table(MIXED.drop_columns(["to_account"]), tmp_path / "t.parquet")
    done = shouwang(
        "--transactions", str(tmp_path / "t.parquet"), "--from", "M", "--amount", "1000",
        "--time", "2025-03-01T09:00",
    )  # fmt: skip
    assert done.returncode == 1
    assert "to_account" in done.stderr and "交易表缺少列" in done.stderr
    assert done.stdout == ""
