"""Generated carrier records and event streams, for tests and benchmarks (no real people).

Fraud-like numbers call many distinct numbers briefly, at working hours, from several handsets,
and have short billing histories; ordinary numbers call a few contacts often.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import numpy as np
import polars as pl

# Naive timestamps: the feature SQL reads hours and days as recorded (sessions run in UTC).
START = datetime(2019, 8, 1)


def _number(rng: np.random.Generator) -> str:
    return "n" + "".join(rng.choice(list("0123456789abcdef"), 12))


def records(
    numbers: int = 40, seed: int = 0, ids: Sequence[str] | None = None
) -> dict[str, pl.DataFrame]:
    """Tables ``calls``, ``sms``, ``app`` and ``users`` for ``numbers`` subscribers (named
    ``ids`` when given); every fifth (``ids[0]``, ``ids[5]``, ...) is fraud-like. Some
    subscribers lack whole tables, as real ones do."""
    rng = np.random.default_rng(seed)
    people = list(ids) if ids is not None else [_number(rng) for _ in range(numbers)]
    numbers = len(people)
    outsiders = [_number(rng) for _ in range(max(numbers * 3, 40))]
    calls: list[tuple[object, ...]] = []
    texts: list[tuple[object, ...]] = []
    traffic: list[tuple[object, ...]] = []
    bills: list[tuple[object, ...]] = []
    for i, phone in enumerate(people):
        fraud = i % 5 == 0
        contacts = rng.choice(outsiders, 30 if fraud else 4, replace=False)
        handsets = [f"imei{i}-{k}" for k in range(3 if fraud else 1)]
        for _ in range(int(rng.integers(0, 60))):
            start = START + timedelta(minutes=int(rng.integers(0, 30 * 24 * 60)))
            calls.append(
                (
                    phone,
                    str(rng.choice(contacts)),
                    int(rng.choice([1, 1, 1, 2, 3] if fraud else [1, 2, 2])),
                    start,
                    int(rng.integers(1, 60 if fraud else 900)),
                    str(rng.choice(["成都", "绵阳", "德阳"])),
                    str(rng.choice(["锦江区", "青羊区", "涪城区", "旌阳区"])),
                    str(rng.choice(handsets)),
                )
            )
        if i % 7 != 3:
            for _ in range(int(rng.integers(1, 25))):
                sent = START + timedelta(minutes=int(rng.integers(0, 30 * 24 * 60)))
                texts.append((phone, str(rng.choice(outsiders)), int(rng.integers(1, 3)), sent))
        if i % 6 != 2:
            for month in range(1 if fraud else int(rng.integers(1, 8))):
                for app in rng.choice(["wechat", "qq", "taobao", "douyin"], 2, replace=False):
                    flow = float(np.round(rng.exponential(50.0), 3))
                    traffic.append((phone, str(app), flow, f"2019-{month + 1:02d}"))
        if i % 9 != 4:
            for month in range(1 if fraud else int(rng.integers(1, 8))):
                bills.append((phone, f"2019-{month + 1:02d}", float(rng.integers(10, 200))))
    return {
        "calls": pl.DataFrame(
            calls,
            schema={
                "phone_no_m": pl.String,
                "opposite_no_m": pl.String,
                "calltype_id": pl.Int64,
                "start_datetime": pl.Datetime("us"),
                "call_dur": pl.Int64,
                "city_name": pl.String,
                "county_name": pl.String,
                "imei_m": pl.String,
            },
            orient="row",
        ),
        "sms": pl.DataFrame(
            texts,
            schema={
                "phone_no_m": pl.String,
                "opposite_no_m": pl.String,
                "calltype_id": pl.Int64,
                "request_datetime": pl.Datetime("us"),
            },
            orient="row",
        ),
        "app": pl.DataFrame(
            traffic,
            schema={
                "phone_no_m": pl.String,
                "busi_name": pl.String,
                "flow": pl.Float64,
                "month_id": pl.String,
            },
            orient="row",
        ),
        "users": pl.DataFrame(
            bills,
            schema={"phone_no_m": pl.String, "month_id": pl.String, "arpu": pl.Float64},
            orient="row",
        ),
    }
