"""Small hand-made transactions tables for the tracing tests."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pyarrow as pa  # type: ignore[import-untyped]

T0 = datetime(2025, 3, 1, 9, 0)


def at(minute: float) -> datetime:
    return T0 + timedelta(minutes=minute)


def table(*rows: tuple[str, str, float, float] | tuple[str, str, float, float, str]) -> pa.Table:
    """Rows of (from, to, amount, minute[, channel]); ids t01, t02, ... in row order."""
    return pa.table(
        {
            "txn_id": [f"t{i:02d}" for i in range(1, len(rows) + 1)],
            "from_account": [r[0] for r in rows],
            "to_account": [r[1] for r in rows],
            "amount": [float(r[2]) for r in rows],
            "time": pa.array([at(r[3]) for r in rows], pa.timestamp("us")),
            "channel": [r[4] if len(r) > 4 else "transfer" for r in rows],
            "bank": [f"bank-of-{r[1]}" for r in rows],
        }
    )


def data_dir() -> Path:
    import os

    if os.environ.get("SHOUWANG_DATA_DIR"):
        return Path(os.environ["SHOUWANG_DATA_DIR"])
    return Path(__file__).resolve().parents[5] / ".." / "shared" / "data"
