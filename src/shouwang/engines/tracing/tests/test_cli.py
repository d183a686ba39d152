"""`shouwang trace`, run as an analyst would run it (a separate process: no Django here)."""

from __future__ import annotations

import subprocess
import sys

import pyarrow.parquet as pq  # type: ignore[import-untyped]

from shouwang.engines.tracing.tests.tables import table
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


def test_the_match_rule_takes_its_limits(tmp_path):
    # The mule pays 500 on after 10 minutes and 990 after two hours: within one hour nothing
    # adds up to the victim's 1,000 (FIFO splits it), within 72 hours the 990 does.
    rows = table(("V", "M", 1000, 0), ("M", "A", 500, 10), ("M", "N", 990, 120))
    pq.write_table(rows, tmp_path / "t.parquet")
    common = (
        "--transactions", str(tmp_path / "t.parquet"), "--from", "M", "--amount", "1000",
        "--time", "2025-03-01T09:00", "--rule", "match",
    )  # fmt: skip
    hour = shouwang(*common, "--match-within", "1h", "--match-fee", "2", "--match-skips", "1")
    default = shouwang(*common)
    assert hour.returncode == default.returncode == 0, hour.stderr + default.stderr
    assert sorted(hour.stdout.splitlines()[1:]) == ["A,bank-of-A,500.00,1", "N,bank-of-N,500.00,1"]
    assert default.stdout.splitlines()[1:] == ["N,bank-of-N,990.00,1", "M,bank-of-M,10.00,0"]
    refused = shouwang(*common, "--match-fee", "150")
    assert refused.returncode == 1 and "match_fee" in refused.stderr
