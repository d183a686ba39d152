"""Early-warning ingest with evaluation: a day of a city's carrier feed through the action
`do_ingest_events`, in batches, with 10 rules active, against the same batches with no rule
active (storage alone, the baseline), in the same process.

    nice -n 19 .venv/bin/python bench/warning_ingest.py                      # SQLite, ~4 min
    nice -n 19 .venv/bin/python bench/warning_ingest.py --server             # PostgreSQL, ~4 min
    .venv/bin/python bench/warning_ingest.py --events 6000 --batches 500     # a quicker look

Database: by default a SQLite file in a temporary directory with the platform's own SQLite
settings (WAL, synchronous=NORMAL, via `SHOUWANG_SQLITE_PATH`), deleted afterwards. With
`--server [URL]` (the flag alone: `BENCH_POSTGRES`, else postgres://postgres@127.0.0.1:5432) it
creates the database `shouwang_bench_warning_ingest` there and drops it at the end (`--keep`
keeps it); no other database is touched.

The city, built through the actions: `--grids` (400) grids of three H3 cells each under 4
districts, 20 stations and 80 communities; a grid worker in 9 of 10 grids, two officers at every
station; an analyst at the city's centre. `--blocklist` (50,000) confirmed indicators (phones
and bank cards) are written directly; the model's scores of every subscriber, fraud number and
courier come in through `do_import_scores` with their reasons; 10 rules (`RULES`: bursts of
callees, calls and SMS recipients in a window; a blocklisted caller; a transfer to a blocklisted
card; a call from a number the model scores high; a number on the model's flagged list; a
screen-sharing app; payments to several cards and large sums within an hour) are saved,
backtested and switched on through the actions.

The feed: `--events` (24,000) events over one simulated day (2026-03-02, +08:00) with a daily
rhythm: ordinary calls, SMS (service numbers included), transfers, app installs and bank alerts
of `--subscribers` (30,000) subscribers, couriers' rounds of calls, and fraud traffic
(`--fraud-share`, 3 %): unknown fraud numbers working through lists of numbers (some victims
stay on the line, then install a screen-sharing app and pay mule cards), blocklisted numbers
still calling, SMS blasts. A subscriber's side of an event carries the carrier's record (name
and registered address as lat/lon), which routes a task to the person's grid. Events are
checked with `parse_events`, as the API checks them, before anything is timed.

Per batch size (`--batches`, 500 and 2,000): the day in consecutive batches in time order,
first with every rule switched off (do_deactivate_rule: storage alone), then with the 10 rules
on; the warning tables are emptied between runs. Each batch is one call of the action outside
any transaction, so its return means its transaction committed: its latency is that call.
Printed: events/s, batch latency p50/p95/p99/max, CPU time (this process and, on PostgreSQL,
the server backend's, from /proc: the machine is shared, and CPU time is what the load does
not inflate), proposals and tasks, the ratio of the two runs; where the time went (timers
wrapped around the action's pieces by patching module attributes; nothing in src/ changes)
with the SQL statements of each piece; and the engine alone on the same feed (one Evaluator in
memory: the practical limit of the evaluation, and the warning counts the runs must match).
Before cooldowns were stored (`CooldownMark`), the replay before each batch read everything
since the start of the day (the rules' longest window + cooldown is 24.5 hours), so the cost of
a batch grew through the day and the total with the square of the day's events: hence 24,000
events by default. The warning tables, stored cooldowns included, are emptied between runs.

`--profile` adds a cProfile of one rules run at the largest batch size. (The `--what-if`
prototypes of the replay and score fixes were removed once the fixes were in: commit f91ae35
has them.)
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import shutil
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from random import Random
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DB = "shouwang_bench_warning_ingest"
DAY = datetime.fromisoformat("2026-03-02T00:00:00+08:00")
CENTRE = (30.8700, 120.0900)
DISTRICTS, STATIONS_PER_DISTRICT, COMMUNITIES_PER_STATION = 4, 5, 4
CELLS_PER_GRID = 3
SCREEN_SHARING = ["向日葵远程控制", "ToDesk", "TeamViewer", "AnyDesk"]
APPS = ["微信", "支付宝", "抖音", "淘宝", "拼多多", "美团", "高德地图", "京东", "快手", "钉钉"]
SERVICE_SENDERS = ["95588", "95533", "95599", "95555", "10086", "1069000000", "1069010086"]
# Share of the day's ordinary events in each hour (a carrier's usual daily curve).
HOURLY = np.array(
    [1, 0.6, 0.4, 0.3, 0.3, 0.6, 1.5, 3, 5, 6, 6.5, 6, 5.5, 5.5, 6, 6, 6, 6, 6, 6, 5.5, 4.5, 3, 2]
)

CALL = {"field": "type", "op": "eq", "value": "call"}
SMS = {"field": "type", "op": "eq", "value": "sms"}
TRANSFER = {"field": "type", "op": "eq", "value": "transfer"}
NOT_SERVICE = {
    "not": {
        "any": [
            {"field": "src", "op": "starts_with", "value": "95"},
            {"field": "src", "op": "starts_with", "value": "100"},
            {"field": "src", "op": "starts_with", "value": "106"},
        ]
    }
}
# (rule id, fraud type, definition): the demo's rules (demo/warnings.py) and the engine's
# benchmark rules (bench/scoring.py), with the platform's two lists.
RULES: list[tuple[str, str, dict[str, Any]]] = [
    ("callee-burst", "other", {
        "name": "30 分钟内呼叫超过 15 个不同号码", "risk": "medium", "when": CALL,
        "window": {"key": "src", "measure": "distinct", "field": "dst", "minutes": 30,
                   "op": "gt", "value": 15},
        "flag": {"party": "src", "role": "block"}, "cooldown_minutes": 1440}),
    ("call-volume", "other", {
        "name": "1 小时内呼出 40 次以上", "risk": "medium", "when": CALL,
        "window": {"key": "src", "measure": "count", "minutes": 60, "op": "ge", "value": 40},
        "flag": {"party": "src", "role": "block"}, "cooldown_minutes": 120}),
    ("sms-burst", "other", {
        "name": "30 分钟内向超过 20 个号码发短信(服务号除外)", "risk": "medium",
        "when": {"all": [SMS, NOT_SERVICE]},
        "window": {"key": "src", "measure": "distinct", "field": "dst", "minutes": 30,
                   "op": "gt", "value": 20},
        "flag": {"party": "src", "role": "block"}, "cooldown_minutes": 60}),
    ("blocklist-caller", "fake_authority", {
        "name": "接到已确认涉诈号码来电且通话超过 30 秒", "risk": "high",
        "when": {"all": [CALL, {"field": "src", "op": "in_list", "value": "blocklist"},
                         {"field": "duration", "op": "ge", "value": 30}]},
        "flag": {"party": "dst", "role": "victim"}, "cooldown_minutes": 120}),
    ("transfer-to-blocklist", "order_brushing", {
        "name": "向已确认涉诈账户转账", "risk": "high",
        "when": {"all": [TRANSFER, {"field": "dst", "op": "in_list", "value": "blocklist"}]},
        "flag": {"party": "src", "role": "victim"}, "cooldown_minutes": 120}),
    ("model-caller", "fake_support", {
        "name": "接到模型高分号码来电且通话超过 1 分钟", "risk": "medium",
        "when": {"all": [CALL, {"score_of": "src", "op": "ge", "value": 0.8},
                         {"field": "duration", "op": "ge", "value": 60}]},
        "flag": {"party": "dst", "role": "victim"}, "cooldown_minutes": 240}),
    ("model-flagged-number", "other", {
        "name": "模型标记的号码在呼叫或发短信", "risk": "medium",
        "when": {"all": [{"field": "type", "op": "in", "value": ["call", "sms"]},
                         {"field": "src", "op": "in_list", "value": "model_flagged"}]},
        "flag": {"party": "src", "role": "block"}, "cooldown_minutes": 1440}),
    ("screen-sharing-app", "loan", {
        "name": "安装屏幕共享类 App", "risk": "high",
        "when": {"all": [{"field": "type", "op": "eq", "value": "app_install"},
                         {"field": "app", "op": "in", "value": SCREEN_SHARING}]},
        "flag": {"party": "src", "role": "victim"}, "cooldown_minutes": 1440}),
    ("many-payees", "investment", {
        "name": "1 小时内向 3 个以上不同账户转账", "risk": "medium", "when": TRANSFER,
        "window": {"key": "src", "measure": "distinct", "field": "dst", "minutes": 60,
                   "op": "ge", "value": 3},
        "flag": {"party": "src", "role": "victim"}, "cooldown_minutes": 240}),
    ("large-payments", "investment", {
        "name": "1 小时内转出合计 3 万元以上", "risk": "high", "when": TRANSFER,
        "window": {"key": "src", "measure": "sum", "field": "amount", "minutes": 60,
                   "op": "ge", "value": 30000},
        "flag": {"party": "src", "role": "victim"}, "cooldown_minutes": 240}),
]  # fmt: skip


# --------------------------------------------------------------------------- database


def prepare_database(server: str | None) -> Callable[[bool], None]:
    """Point Django at a fresh database of our own; returns the clean-up (keep: leave it)."""
    if server is None:
        folder = tempfile.mkdtemp(prefix="shouwang-warning-bench-")
        os.environ.pop("DATABASE_URL", None)
        os.environ["SHOUWANG_SQLITE_PATH"] = str(Path(folder) / "bench.sqlite3")

        def drop_sqlite(keep: bool) -> None:
            if not keep:
                shutil.rmtree(folder, ignore_errors=True)

        return drop_sqlite
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')  # only ever our own
        conn.execute(f'CREATE DATABASE "{DB}"')
    os.environ["DATABASE_URL"] = f"{server}/{DB}"

    def drop_postgres(keep: bool) -> None:
        if keep:
            return
        from django.db import connections

        connections.close_all()
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')

    return drop_postgres


def setup_django() -> str:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shouwang.config.settings")
    os.environ.setdefault("SHOUWANG_MEDIA_ROOT", str(Path(tempfile.gettempdir()) / "bench-media"))
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", interactive=False, verbosity=0)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("select sqlite_version()")
            return f"SQLite {cursor.fetchone()[0]} (WAL, synchronous=NORMAL)"
        cursor.execute("show server_version")
        return f"PostgreSQL {cursor.fetchone()[0]}"


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


# --------------------------------------------------------------------------- the city


@dataclass
class City:
    unit: Any
    analyst: Any
    grids: int
    cells: list[str]  # H3 cells that belong to a grid
    officers: int


def build_city(grids: int, rng: Random) -> City:
    import h3
    from django.test.utils import override_settings

    from shouwang.orgs.actions import do_create_unit, do_create_user
    from shouwang.orgs.choices import Role, UnitKind

    radius = 1
    while 3 * radius * (radius + 1) + 1 < grids * CELLS_PER_GRID:
        radius += 1
    disk = sorted(str(c) for c in h3.grid_disk(h3.latlng_to_cell(*CENTRE, 8), radius))
    cells = disk[: grids * CELLS_PER_GRID]
    officers = 0
    # Passwords are not what is measured: a fast hasher keeps the cast's set-up short.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):

        def user(name: str, role: str, unit: Any) -> Any:
            nonlocal officers
            officers += 1
            return do_create_user(
                username=name, password="bench-" + name, role=role, unit=unit, actor=None
            )

        city = do_create_unit(
            code="330500", name="湖州市", kind=UnitKind.CITY, parent=None, actor=None
        )
        communities = []
        for d in range(DISTRICTS):
            district = do_create_unit(
                code=f"3305{d + 1:02d}",
                name=f"第{d + 1}区",
                kind=UnitKind.DISTRICT,
                parent=city,
                actor=None,
            )
            for s in range(STATIONS_PER_DISTRICT):
                station = do_create_unit(
                    code=f"{district.code}{s + 1:03d}",
                    name=f"{district.name}第{s + 1}派出所",
                    kind=UnitKind.STATION,
                    parent=district,
                    actor=None,
                )
                user(f"chief_{station.code}", Role.STATION_CHIEF, station)
                user(f"officer_{station.code}", Role.GRID_WORKER, station)
                for c in range(COMMUNITIES_PER_STATION):
                    communities.append(
                        do_create_unit(
                            code=f"{station.code}{c + 1:03d}",
                            name=f"{station.name}第{c + 1}社区",
                            kind=UnitKind.COMMUNITY,
                            parent=station,
                            actor=None,
                        )
                    )
        for g in range(grids):
            community = communities[g * len(communities) // grids]
            own = cells[g * CELLS_PER_GRID : (g + 1) * CELLS_PER_GRID]
            grid = do_create_unit(
                code=f"{community.code}{g + 1:04d}",
                name=f"{community.name}第{g + 1}网格",
                kind=UnitKind.GRID,
                parent=community,
                h3_cells=own,
                centroid=h3.cell_to_latlng(own[0]),
                actor=None,
            )
            if g % 10 != 9:  # one grid in ten has no grid worker: its station takes the task
                user(f"grid_{grid.code}", Role.GRID_WORKER, grid)
        analyst = do_create_user(
            username="analyst", password="bench-analyst", role=Role.FRAUD_ANALYST, unit=city,
            actor=None,
        )  # fmt: skip
    return City(city, analyst, grids, cells, officers)


# --------------------------------------------------------------------------- the people


def mobile(rng: Random) -> str:
    prefix = rng.choice(("138", "139", "137", "135", "150", "151", "158", "186", "189", "177"))
    return prefix + f"{rng.randrange(100_000_000):08d}"


def card(rng: Random) -> str:
    return rng.choice(("622202", "622848", "621700", "621226")) + f"{rng.randrange(10**13):013d}"


@dataclass
class People:
    subscribers: list[str]
    record: dict[str, dict[str, Any]]  # the carrier's record of a subscriber: name, lat, lon
    outsiders: list[str]  # numbers of other cities
    merchants: list[str]  # accounts ordinary payments go to
    couriers: list[str]
    fraud_callers: list[str]  # unknown to the centre; the model scores them
    sms_blasters: list[str]
    blocked_phones: list[str]  # confirmed, as carriers write them (no +86)
    blocked_cards: list[str]
    mule_cards: list[str]  # fraud's receiving cards, blocked or not


def people(subscribers: int, blocklist: int, city: City, rng: Random) -> People:
    import h3

    from shouwang.demo.names import person

    numbers = list(dict.fromkeys(mobile(rng) for _ in range(subscribers + subscribers // 50)))
    numbers = numbers[:subscribers]
    record = {}
    for number in numbers:
        lat, lon = h3.cell_to_latlng(rng.choice(city.cells))
        record[number] = {"name": person(rng), "lat": round(lat, 6), "lon": round(lon, 6)}
    blocked_phones = [mobile(rng) for _ in range(blocklist * 6 // 10)]
    blocked_cards = [card(rng) for _ in range(blocklist - len(blocked_phones))]
    return People(
        subscribers=numbers,
        record=record,
        outsiders=[mobile(rng) for _ in range(subscribers // 2)],
        merchants=[card(rng) for _ in range(2_000)],
        couriers=[mobile(rng) for _ in range(200)],
        fraud_callers=[mobile(rng) for _ in range(200)],
        sms_blasters=[mobile(rng) for _ in range(15)],
        blocked_phones=blocked_phones,
        blocked_cards=blocked_cards,
        mule_cards=blocked_cards[:100] + [card(rng) for _ in range(200)],
    )


def load_blocklist(folk: People, city: City) -> None:
    """The centre's confirmed indicators, written directly (years of confirmed reports)."""
    from shouwang.antifraud.models import Indicator

    at = DAY - timedelta(days=400)
    rows = [
        Indicator(kind="phone", value=f"+86{p}", first_seen=at, last_seen=at, report_count=1,
                  confirmed_at=at, confirmed_by=city.analyst, confirm_note="bench")
        for p in folk.blocked_phones
    ] + [
        Indicator(kind="bank_card", value=c, first_seen=at, last_seen=at, report_count=1,
                  confirmed_at=at, confirmed_by=city.analyst, confirm_note="bench")
        for c in folk.blocked_cards
    ]  # fmt: skip
    Indicator.objects.bulk_create(rows, batch_size=5_000)


def import_scores(folk: People, city: City, rng: Random) -> tuple[int, int]:
    """The model's scores, as `shouwang antifraud score --reasons` writes them, through the
    action. Returns (numbers scored, numbers flagged)."""
    from shouwang.antifraud.warning.actions import do_import_scores

    def beta(a: float, b: float) -> float:
        return min(max(rng.betavariate(a, b), 0.0), 1.0)

    scored: dict[str, float] = {}
    for number in folk.subscribers:
        scored[number] = beta(1, 25)
    for number in folk.outsiders[::3]:
        scored[number] = beta(1, 20)
    for number in folk.couriers:
        scored[number] = beta(5, 3)  # call like fraud numbers do
    for number in folk.fraud_callers + folk.sms_blasters:
        scored[number] = beta(9, 2)
    lines = ["phone_no_m,score,is_fraud"]
    reasons = []
    flagged = 0
    features = ("call_dispersion", "call_dur_mean", "voc_calltype1", "sms_cnt", "arpu_mean")
    for number, p in scored.items():
        flag = int(p >= 0.5)
        flagged += flag
        lines.append(f"{number},{p:.6f},{flag}")
        picked = rng.sample(features, 3)
        reasons.append(
            json.dumps(
                {
                    "phone_no_m": number,
                    "reasons": [
                        {
                            "feature": f,
                            "value": round(rng.random() * 100, 3),
                            "calibrated": round(rng.random(), 4),
                        }
                        for f in picked
                    ],
                }
            )
        )
    do_import_scores(
        "\n".join(lines).encode(),
        model_version="20260301-bench",
        reasons="\n".join(reasons).encode(),
        actor=city.analyst,
    )
    return len(scored), flagged


def save_rules(city: City) -> list[Any]:
    from shouwang.antifraud.warning.actions import (
        do_activate_version,
        do_backtest_version,
        do_save_rule_version,
    )

    versions = []
    for rule_id, fraud_type, definition in RULES:
        version = do_save_rule_version(
            definition, rule_id=rule_id, fraud_type=fraud_type, actor=city.analyst
        )
        do_backtest_version(version, since=DAY - timedelta(days=7), until=DAY, actor=city.analyst)
        do_activate_version(version, actor=city.analyst)
        versions.append(version)
    return versions


def switch_rules(versions: list[Any], on: bool, city: City) -> None:
    from shouwang.antifraud.warning.actions import do_activate_version, do_deactivate_rule

    for version in versions:
        version.rule.refresh_from_db()
        if on and not version.rule.is_active:
            do_activate_version(version, actor=city.analyst)
        elif not on and version.rule.is_active:
            do_deactivate_rule(version.rule, actor=city.analyst)


# --------------------------------------------------------------------------- the feed


def feed(
    total: int, fraud_share: float, folk: People, rng: Random
) -> tuple[list[Any], Counter[str], int]:
    """A day of the carrier feed, in time order, checked as the API checks it; how many events
    each kind of traffic contributed, and how many of them are fraud traffic (fraud numbers'
    calls and SMS, blocklisted callers, their victims' installs and payments)."""
    from shouwang.antifraud.warning.events import parse_events

    raw: list[tuple[float, dict[str, Any]]] = []
    kinds: Counter[str] = Counter()
    hours = HOURLY / HOURLY.sum()

    def about(number: str) -> dict[str, Any]:
        return folk.record.get(number, {})

    def add(kind: str, seconds: float, event: dict[str, Any]) -> None:
        seconds = min(max(seconds, 0.0), 86_399.0)
        raw.append((seconds, event))
        kinds[kind] += 1

    def call(src: str, dst: str, duration: int) -> dict[str, Any]:
        return {"type": "call", "src": src, "dst": dst, "duration": duration} | about(dst)

    def pay(src: str, dst: str, amount: float) -> dict[str, Any]:
        return {"type": "transfer", "src": src, "dst": dst, "amount": amount} | about(src)

    def working_hours() -> float:
        return rng.uniform(8.5 * 3600, 20.5 * 3600)

    # Fraud numbers work through lists of numbers; a few people stay on the line, and some of
    # them then install a screen-sharing app and pay mule cards. The fraud traffic is about
    # `fraud_share` of the day: three quarters calls of unknown fraud numbers (with what
    # their victims do next), a tenth calls from blocklisted numbers not yet cut off, the rest
    # SMS blasts.
    budget = fraud_share * total
    while len(raw) < 0.75 * budget:
        caller = rng.choice(folk.fraud_callers)
        at = working_hours()
        for victim in rng.sample(folk.subscribers, rng.randint(12, 45)):
            at += rng.uniform(30, 150)
            engaged = rng.random() < 0.08
            seconds = rng.randint(60, 1500) if engaged else rng.randint(2, 40)
            add("fraud call", at, call(caller, victim, seconds))
            if engaged and rng.random() < 0.4:
                app = rng.choice(SCREEN_SHARING)
                install = {"type": "app_install", "src": victim, "app": app} | about(victim)
                add("victim app install", at + rng.uniform(600, 3600), install)
            if engaged and rng.random() < 0.35:
                later = at + rng.uniform(900, 5400)
                for _ in range(rng.randint(1, 4)):
                    later += rng.uniform(60, 900)
                    amount = float(rng.choice((2000, 5000, 9800, 15000, 20000, 49800)))
                    add("victim transfer", later, pay(victim, rng.choice(folk.mule_cards),
                                                      amount))  # fmt: skip
    while len(raw) < 0.85 * budget:
        blocked = rng.choice(folk.blocked_phones)
        seconds = rng.randint(30, 900) if rng.random() < 0.5 else rng.randint(2, 29)
        add("blocklisted call", working_hours(), call(blocked, rng.choice(folk.subscribers),
                                                      seconds))  # fmt: skip
    while len(raw) < budget:
        blaster = rng.choice(folk.sms_blasters)
        at = working_hours()
        for person_ in rng.sample(folk.subscribers, rng.randint(30, 120)):
            at += rng.uniform(5, 25)
            add("fraud SMS", at, {"type": "sms", "src": blaster, "dst": person_} | about(person_))
    fraud = len(raw)
    # Couriers (one per 1,000 events of the day) call their rounds' customers briefly, as
    # fraud numbers do.
    for courier in folk.couriers[: max(1, total // 1000)]:
        at = rng.uniform(8 * 3600, 11 * 3600)
        for _ in range(rng.randint(2, 5)):
            for customer in rng.sample(folk.subscribers, rng.randint(8, 22)):
                at += rng.uniform(40, 150)
                add("courier call", at, call(courier, customer, rng.randint(8, 90)))
            at += rng.uniform(1800, 7200)
    # Ordinary traffic fills the day.
    rest = total - len(raw)
    for hour in rng.choices(range(24), weights=hours.tolist(), k=rest):
        at = hour * 3600 + rng.random() * 3600
        roll = rng.random()
        a = rng.choice(folk.subscribers)
        if roll < 0.55:
            if rng.random() < 0.3:
                add(
                    "call", at, call(rng.choice(folk.outsiders), a, int(rng.lognormvariate(4, 1.2)))
                )
            else:
                b = rng.choice(folk.subscribers)
                add("call", at, call(a, b, int(rng.lognormvariate(4, 1.2))))
        elif roll < 0.78:
            src = rng.choice(SERVICE_SENDERS) if rng.random() < 0.4 else rng.choice(
                folk.subscribers)  # fmt: skip
            add("sms", at, {"type": "sms", "src": src, "dst": a} | about(a))
        elif roll < 0.95:
            to = rng.choice(folk.merchants) if rng.random() < 0.7 else rng.choice(folk.subscribers)
            add("transfer", at, pay(a, to, round(rng.lognormvariate(5, 1.4), 2)))
        elif roll < 0.99:
            app = rng.choice(SCREEN_SHARING) if rng.random() < 0.01 else rng.choice(APPS)
            add("app install", at, {"type": "app_install", "src": a, "app": app} | about(a))
        else:
            add("alert", at, {"type": "alert", "source": "bank", "dst": rng.choice(
                folk.merchants)})  # fmt: skip
    raw.sort(key=lambda pair: pair[0])
    items = []
    for seconds, event in raw:
        event["time"] = (DAY + timedelta(seconds=seconds)).isoformat(timespec="seconds")
        items.append(event)
    checked = []
    for k in range(0, len(items), 10_000):  # the API takes at most 50,000 a request
        checked += parse_events(items[k : k + 10_000])
    return checked, kinds, fraud


# --------------------------------------------------------------------------- timers

_BACKEND: list[int] = []


def server_cpu() -> float:
    """CPU seconds of the PostgreSQL backend serving this process's connection (same machine,
    /proc), 0 on SQLite, whose work is done in this process."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    if not _BACKEND:
        with connection.cursor() as cursor:
            cursor.execute("select pg_backend_pid()")
            _BACKEND.append(cursor.fetchone()[0])
    try:
        fields = Path(f"/proc/{_BACKEND[0]}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0  # not on this machine: only this process is counted
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Probe:
    """Timers and SQL counters around the pieces of `do_ingest_events`, installed by wrapping
    module attributes of the warning app (its code is unchanged). Per batch: seconds and SQL
    statements by piece, events replayed, score lookups."""

    def __init__(self) -> None:
        self.batch = ""
        self.phase = "storage"
        self.mode = ""
        self.seconds: dict[str, float] = defaultdict(float)
        self.sql: Counter[str] = Counter()
        self.sql_seconds: dict[str, float] = defaultdict(float)
        self.counts: Counter[str] = Counter()
        self.started = 0.0
        self.mark = 0.0
        self.cpu = 0.0
        self.server_cpu = 0.0
        self.rows: list[dict[str, Any]] = []

    def begin(self, batch: str) -> None:
        self.batch, self.phase, self.mode = batch, "storage", ""
        self.seconds, self.sql = defaultdict(float), Counter()
        self.sql_seconds, self.counts = defaultdict(float), Counter()
        self.cpu = time.process_time()
        self.server_cpu = server_cpu()
        self.started = self.mark = time.perf_counter()

    def end(self) -> dict[str, Any]:
        now = time.perf_counter()
        self.seconds["commit"] += now - self.mark
        row = {
            "total": now - self.started,
            "cpu": time.process_time() - self.cpu,
            "server_cpu": server_cpu() - self.server_cpu,
            "seconds": dict(self.seconds),
            "sql": dict(self.sql),
            "sql_seconds": dict(self.sql_seconds),
            "counts": dict(self.counts),
        }
        self.rows.append(row)
        return row

    def sql_wrapper(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.sql[self.phase] += 1
            self.sql_seconds[self.phase] += time.perf_counter() - started

    def install(self) -> None:
        from shouwang.antifraud.warning import actions, evaluate

        probe = self
        clock = time.perf_counter

        def timed(
            name: str, fn: Callable[..., Any], phase: str | None = None
        ) -> Callable[..., Any]:
            def wrapper(*args: Any, **kwargs: Any) -> Any:
                before = probe.phase
                if phase:
                    probe.phase = phase
                started = clock()
                try:
                    return fn(*args, **kwargs)
                finally:
                    probe.seconds[name] += clock() - started
                    probe.phase = before

            return wrapper

        real_versions = actions.versions_for_batch

        def versions_for_batch(unit: Any) -> Any:
            now = clock()
            probe.seconds["storage"] += now - probe.started  # checks, the INSERT, the audit row
            probe.phase = "rules"
            try:
                return real_versions(unit)
            finally:
                probe.seconds["rules"] += clock() - now

        actions.versions_for_batch = versions_for_batch
        evaluate.parsed = timed("rules", evaluate.parsed, "rules")
        real_evaluator_for = timed("lists", evaluate.evaluator_for, "lists")

        def evaluator_for(*args: Any, **kwargs: Any) -> Any:
            evaluator = real_evaluator_for(*args, **kwargs)
            real_process = evaluator.process

            def process(event: Any) -> Any:
                started = clock()
                try:
                    return real_process(event)
                finally:
                    probe.seconds[f"eval_{probe.mode or 'batch'}"] += clock() - started

            evaluator.process = process
            return evaluator

        evaluate.evaluator_for = evaluator_for

        real_between = evaluate.events_between

        def events_between(*args: Any, **kwargs: Any) -> Iterator[Any]:
            """Times the reading only (the caller's work between two events is not counted)."""
            probe.phase = "history"
            started = clock()
            for event in real_between(*args, **kwargs):
                kind = "batch" if event.batch == probe.batch else "history"
                probe.seconds[f"read_{kind}"] += clock() - started
                probe.counts[f"events_{kind}"] += 1
                yield event
                started = clock()

        evaluate.events_between = events_between
        real_convert = evaluate.as_engine_event

        def as_engine_event(event: Any) -> Any:
            """Called just before the evaluator sees a stored event: which one it is."""
            probe.mode = "batch" if event.batch == probe.batch else "history"
            probe.phase = probe.mode
            started = clock()
            try:
                return real_convert(event)
            finally:
                probe.seconds[f"eval_{probe.mode}"] += clock() - started

        evaluate.as_engine_event = as_engine_event
        if hasattr(evaluate.StoredScorer, "preload"):  # scores read ahead in a few queries
            evaluate.StoredScorer.preload = timed(  # type: ignore[method-assign]
                "scores_preload", evaluate.StoredScorer.preload, "scores_preload"
            )

        real_row = evaluate.StoredScorer.row

        def row(scorer: Any, number: str) -> Any:
            if number in scorer.rows:
                return scorer.rows[number]
            where = probe.mode or probe.phase
            before, probe.phase = probe.phase, f"scores_{where}"
            started = clock()
            try:
                return real_row(scorer, number)
            finally:
                probe.seconds[f"scores_{where}"] += clock() - started
                probe.counts[f"score_lookups_{where}"] += 1
                probe.phase = before

        evaluate.StoredScorer.row = row  # type: ignore[method-assign]

        real_evaluate = actions.evaluate_batch

        def evaluate_batch(*args: Any, **kwargs: Any) -> Any:
            try:
                return real_evaluate(*args, **kwargs)
            finally:
                probe.mark = clock()
                probe.phase, probe.mode = "writes", ""

        actions.evaluate_batch = evaluate_batch
        for name, attr in (("proposals", "_propose"), ("tasks", "_dispatch")):
            real = getattr(actions, attr)

            def writer(*args: Any, _real: Any = real, _name: str = name) -> Any:
                probe.phase = _name
                started = clock()
                try:
                    return _real(*args)
                finally:
                    probe.mark = clock()
                    probe.seconds[_name] += probe.mark - started
                    probe.counts[_name] += 1

            setattr(actions, attr, writer)
        actions.grid_of = timed("routing", actions.grid_of)
        actions.officer_for = timed("routing", actions.officer_for)
        real_record = actions.record

        def record(*args: Any, **kwargs: Any) -> Any:
            if probe.phase not in ("proposals", "tasks"):
                return real_record(*args, **kwargs)
            started = clock()
            try:
                return real_record(*args, **kwargs)
            finally:
                probe.seconds["audit"] += clock() - started

        actions.record = record


# --------------------------------------------------------------------------- runs


@dataclass
class Run:
    name: str
    batch_size: int
    events: int
    seconds: float
    proposals: int
    tasks: int
    rows: list[dict[str, Any]] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.events / self.seconds

    @property
    def cpu(self) -> float:
        """CPU seconds of this process and of the database server's backend."""
        return float(self.column("cpu").sum() + self.column("server_cpu").sum())

    def column(self, key: str) -> np.ndarray:
        return np.array([row[key] for row in self.rows])

    def p(self, q: float, key: str = "total") -> float:
        return float(np.percentile(self.column(key), q)) * 1000

    def cpu_p(self, q: float) -> float:
        """Percentile of a batch's CPU time, this process + the database server (ms)."""
        return float(np.percentile(self.column("cpu") + self.column("server_cpu"), q)) * 1000

    @property
    def cpu_rate(self) -> float:
        return self.events / self.cpu


def clear() -> None:
    """Empty the warning tables and the audit rows the runs wrote; the cast stays."""
    from shouwang.antifraud.warning import models
    from shouwang.antifraud.warning.models import BlockProposal, WarningEvent, WarningTask
    from shouwang.audit.models import AuditEvent

    mark = getattr(models, "CooldownMark", None)  # stored cooldown starts, where the code has them
    if mark is not None:
        mark.objects.all().delete()
    WarningTask.objects.all().delete()
    BlockProposal.requests.through.objects.all().delete()
    BlockProposal.objects.all().delete()
    WarningEvent.objects.all().delete()
    AuditEvent.objects.filter(
        action__in=["warning.events", "warning.proposal", "warning.task"]
    ).delete()
    analyze()


def run(name: str, events: list[Any], size: int, city: City, probe: Probe) -> Run:
    from django.db import connection

    from shouwang.antifraud.warning.actions import do_ingest_events

    clear()
    _BACKEND.clear()
    proposals = tasks = 0
    probe.rows = []
    started = time.perf_counter()
    with connection.execute_wrapper(probe.sql_wrapper):
        for k in range(0, len(events), size):
            batch = f"bench-{name[:6]}-{size}-{k // size:05d}"
            probe.begin(batch)
            result = do_ingest_events(
                events[k : k + size], source="carrier-feed", actor=city.analyst, batch=batch
            )
            probe.end()
            proposals += len(result.proposals)
            tasks += len(result.tasks)
    seconds = time.perf_counter() - started
    return Run(name, size, len(events), seconds, proposals, tasks, probe.rows)


def engine_alone(events: list[Any], versions: list[Any]) -> dict[str, Any]:
    """The same day through one Evaluator in memory (the practical limit of the evaluation):
    the platform's lists and the stored scores read once up front."""
    from shouwang.antifraud.warning.evaluate import parsed, platform_lists
    from shouwang.antifraud.warning.models import NumberScore
    from shouwang.engines.scoring.rules import Evaluator

    scores = dict(NumberScore.objects.values_list("value", "probability"))
    evaluator = Evaluator(parsed(versions), lists=platform_lists(), scorer=scores.get)
    stream = [{**e.data, "type": e.type, "time": e.time.timestamp()} for e in events]
    by_rule: Counter[str] = Counter()
    roles: Counter[str] = Counter()
    subjects: set[str] = set()
    started = time.perf_counter()
    for event in stream:
        for hit in evaluator.process(event):
            by_rule[hit.rule_id] += 1
            roles[hit.role] += 1
            if hit.role == "block":
                subjects.add(hit.subject)
    seconds = time.perf_counter() - started
    return {
        "rate": len(stream) / seconds,
        "victim": roles["victim"],
        "block": roles["block"],
        "block_subjects": len(subjects),
        "by_rule": by_rule,
    }


# --------------------------------------------------------------------------- report


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f}"


def print_run(r: Run) -> None:
    server = r.column("server_cpu").sum()
    print(
        f"  {r.name:<11} batch {r.batch_size:>5,}: {r.rate:>7,.0f} events/s ({r.seconds:,.1f} s, "
        f"{len(r.rows)} batches); batch latency p50 {r.p(50):,.0f} ms, p95 {r.p(95):,.0f} ms, "
        f"p99 {r.p(99):,.0f} ms, max {r.p(100):,.0f} ms; proposals {r.proposals:,}, "
        f"tasks {r.tasks:,}"
    )
    server_part = f" (of which the database server {server:,.1f} s)" if server else ""
    print(
        f"  {'':<11} CPU {r.cpu:,.1f} s{server_part}: {r.cpu_rate:,.0f} events per CPU second; "
        f"a batch p50 {r.cpu_p(50):,.0f} ms, p95 {r.cpu_p(95):,.0f} ms, p99 {r.cpu_p(99):,.0f} ms"
    )


LABELS = {
    "storage": "storage (checks, INSERT of the events, audit row)",
    "rules": "active rules read and parsed",
    "lists": "lists loaded (platform_lists: blocklist, flagged)",
    "read_history": "history replay: reading the stored events",
    "scores_preload": "scores read ahead (StoredScorer.preload, if any)",
    "eval_history": "history replay: evaluating them",
    "scores_history": "  of which score lookups (StoredScorer)",
    "read_batch": "the batch itself read back",
    "eval_batch": "rule evaluation of the batch",
    "scores_batch": "  of which score lookups (StoredScorer)",
    "proposals": "proposal writes",
    "tasks": "task writes",
    "routing": "  of which routing (grid_of, officer_for)",
    "audit": "  audit rows of proposals and tasks",
    "commit": "commit and return",
}
# The SQL phase whose statements a row shows.
SQL_OF = {
    "storage": ("storage",),
    "rules": ("rules",),
    "lists": ("lists",),
    "read_history": ("history",),
    "scores_preload": ("scores_preload",),
    "scores_history": ("scores_history",),
    "read_batch": ("batch",),
    "scores_batch": ("scores_batch",),
    "proposals": ("proposals", "scores_proposals"),
    "tasks": ("tasks", "scores_tasks"),
}
TOP = ("storage", "rules", "lists", "read_history", "scores_preload", "eval_history", "read_batch",
       "eval_batch", "proposals", "tasks", "commit")  # fmt: skip


def print_split(r: Run) -> None:
    total = r.column("total").sum()
    sums: dict[str, float] = defaultdict(float)
    sql: Counter[str] = Counter()
    sql_s: dict[str, float] = defaultdict(float)
    counts: Counter[str] = Counter()
    for row in r.rows:
        for k, v in row["seconds"].items():
            sums[k] += v
        sql.update(row["sql"])
        for k, v in row["sql_seconds"].items():
            sql_s[k] += v
        counts.update(row["counts"])
    n = len(r.rows)
    print(f"  where the {r.name} run's time went at batch {r.batch_size:,} "
          f"({total:,.1f} s wall in {n} batches):")  # fmt: skip
    print(f"    {'piece':<52} {'s':>8} {'share':>7} {'ms/batch':>9} {'SQL/batch':>10} "
          f"{'SQL ms/b':>9}")  # fmt: skip
    accounted = 0.0
    for key in LABELS:
        if key in TOP:
            accounted += sums[key]
        phases = SQL_OF.get(key, ())
        statements = f"{sum(sql[p] for p in phases) / n:,.1f}" if phases else ""
        sql_ms = f"{sum(sql_s[p] for p in phases) / n * 1000:,.1f}" if phases else ""
        print(f"    {LABELS[key]:<52} {sums[key]:>8,.2f} {sums[key] / total:>7.1%} "
              f"{ms(sums[key] / n):>9} {statements:>10} {sql_ms:>9}")  # fmt: skip
    rest = total - accounted
    print(f"    {'(not attributed)':<52} {rest:>8,.2f} {rest / total:>7.1%}")
    if not counts["events_history"] and not counts["events_batch"]:
        return
    replayed = [row["counts"].get("events_history", 0) for row in r.rows]
    print(
        f"    per batch: {np.mean(replayed):,.0f} stored events replayed (max {max(replayed):,}), "
        f"{counts['score_lookups_history'] / n:,.0f} score lookups (one SELECT each) during the "
        f"replay and {counts['score_lookups_batch'] / n:,.0f} for the batch; "
        f"{sum(sql.values()) / n:,.0f} SQL statements ({sum(sql_s.values()) / n * 1000:,.0f} ms "
        "executing)"
    )
    if counts["tasks"] or counts["proposals"]:
        per_p = max(counts["proposals"], 1)
        per_t = max(counts["tasks"], 1)
        print(
            f"    a proposal {ms(sums['proposals'] / per_p)} ms and "
            f"{(sql['proposals'] + sql['scores_proposals']) / per_p:.1f} SQL statements; "
            f"a task {ms(sums['tasks'] / per_t)} ms and "
            f"{(sql['tasks'] + sql['scores_tasks']) / per_t:.1f} SQL statements"
        )
    # How a batch's latency grows with the history it replays: the day by quarters.
    parts = []
    for q, idx in enumerate(np.array_split(np.arange(n), 4)):
        if len(idx):
            lat = np.mean([r.rows[i]["total"] for i in idx])
            rep = np.mean([replayed[i] for i in idx])
            parts.append(f"Q{q + 1} {lat * 1000:,.0f} ms ({rep:,.0f} replayed)")
    print("    mean batch latency by quarter of the day: " + ", ".join(parts))


def load() -> str:
    try:
        return " / ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=24_000, help="events in the day")
    parser.add_argument(
        "--batches", default="500,2000", help="batch sizes, comma-separated (default 500,2000)"
    )
    parser.add_argument(
        "--fraud-share", type=float, default=0.03, help="share of fraud traffic in the feed"
    )
    parser.add_argument("--subscribers", type=int, default=30_000)
    parser.add_argument("--grids", type=int, default=400)
    parser.add_argument("--blocklist", type=int, default=50_000, help="confirmed indicators")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--server",
        nargs="?",
        const=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432"),
        help="a PostgreSQL server URL (default: SQLite in a temporary directory; the flag "
        "alone: BENCH_POSTGRES or postgres://postgres@127.0.0.1:5432)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--profile", action="store_true", help="also cProfile a rules run (largest batch)"
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.batches.split(",") if s.strip()]
    cleanup = prepare_database(args.server)
    try:
        measure(args, sizes)
    finally:
        cleanup(args.keep)


def measure(args: argparse.Namespace, sizes: list[int]) -> None:
    rng = Random(args.seed)
    engine = setup_django()
    print(
        f"warning ingest with evaluation: {engine}; Python {platform.python_version()}, "
        f"{os.cpu_count()} cores (shared); load average {load()} at the start"
    )
    started = time.perf_counter()
    steps: dict[str, float] = {}

    def step(name: str) -> None:
        steps[name] = time.perf_counter() - started - sum(steps.values())

    city = build_city(args.grids, rng)
    step("city")
    folk = people(args.subscribers, args.blocklist, city, rng)
    load_blocklist(folk, city)
    step("blocklist")
    scored, flagged = import_scores(folk, city, rng)
    step("scores")
    versions = save_rules(city)
    step("rules")
    events, kinds, fraud = feed(args.events, args.fraud_share, folk, rng)
    analyze()
    step("feed")
    print(
        f"city: {args.grids} grids ({len(city.cells)} H3 cells), "
        f"{DISTRICTS * STATIONS_PER_DISTRICT} stations, {city.officers} officers; "
        f"{len(folk.subscribers):,} subscribers; blocklist {args.blocklist:,} confirmed "
        f"indicators; model scores {scored:,} numbers ({flagged:,} flagged); "
        f"{len(versions)} rules; set up in {time.perf_counter() - started:,.0f} s ("
        + ", ".join(f"{k} {v:,.0f} s" for k, v in steps.items())
        + ")"
    )
    print(
        f"feed: {len(events):,} events on {DAY:%Y-%m-%d} in time order, fraud traffic "
        f"{fraud:,} ({fraud / len(events):.1%}): "
        + ", ".join(f"{k} {v:,}" for k, v in sorted(kinds.items(), key=lambda kv: -kv[1]))
    )
    alone = engine_alone(events, versions)
    print(
        f"engine alone (one Evaluator in memory, same rules, lists and scores): "
        f"{alone['rate']:,.0f} events/s; {alone['victim']:,} victim hits, {alone['block']:,} "
        f"block hits on {alone['block_subjects']:,} numbers; by rule: "
        + ", ".join(f"{rule_id} {alone['by_rule'][rule_id]:,}" for rule_id, _t, _d in RULES)
    )
    probe = Probe()
    probe.install()
    results: list[list[Run]] = []
    for size in sizes:
        print(f"\nbatch size {size:,} (load average {load()}):")
        switch_rules(versions, False, city)
        baseline = run("no rules", events, size, city, probe)
        print_run(baseline)
        switch_rules(versions, True, city)
        rules = run("10 rules", events, size, city, probe)
        print_run(rules)
        print(
            f"  ratio 10 rules / no rules: throughput {rules.rate / baseline.rate:.3f} "
            f"(x{baseline.rate / rules.rate:,.1f} slower), "
            f"p50 x{rules.p(50) / baseline.p(50):,.1f}, p99 x{rules.p(99) / baseline.p(99):,.1f}, "
            f"CPU a batch (this process + database server) x{rules.cpu / baseline.cpu:,.1f}; "
            f"the day took {rules.seconds:,.0f} s with rules ({86_400 / rules.seconds:,.0f}x "
            "real time)"
        )
        print(
            f"  tasks {rules.tasks:,} (victim hits of the engine alone: {alone['victim']:,}), "
            f"proposals {rules.proposals:,} (numbers the engine alone flagged for blocking: "
            f"{alone['block_subjects']:,}; one open proposal per number)"
        )
        print_split(baseline)
        print_split(rules)
        row = [baseline, rules]
        results.append(row)
    print(
        "\nsummary. wall: as measured on the shared machine; CPU: the CPU time of this process "
        "and of the database server's backend, what a batch costs without other load"
    )
    print(f"  {'batch':>6} {'run':<12} {'events/s':>9} {'ratio':>6} {'p50 ms':>8} {'p95 ms':>8} "
          f"{'p99 ms':>8} | {'CPU ev/s':>9} {'ratio':>6} {'p50 ms':>8} {'p95 ms':>8} "
          f"{'p99 ms':>8} | {'proposals':>9} {'tasks':>6}")  # fmt: skip
    for row in results:
        for r in row:
            base = row[0]
            print(f"  {r.batch_size:>6,} {r.name:<12} {r.rate:>9,.0f} {r.rate / base.rate:>6.3f} "
                  f"{r.p(50):>8,.0f} {r.p(95):>8,.0f} {r.p(99):>8,.0f} | {r.cpu_rate:>9,.0f} "
                  f"{r.cpu_rate / base.cpu_rate:>6.3f} {r.cpu_p(50):>8,.0f} {r.cpu_p(95):>8,.0f} "
                  f"{r.cpu_p(99):>8,.0f} | {r.proposals:>9,} {r.tasks:>6,}")  # fmt: skip
    if args.profile:
        size = max(sizes)
        profiler = cProfile.Profile()
        profiler.enable()
        run("profiled", events, size, city, probe)
        profiler.disable()
        for order in ("tottime", "cumulative"):
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order)
            stats.print_stats(25)
            print(f"\ncProfile of a 10-rules run at batch {size:,}, top 25 by {order}:")
            print(out.getvalue().strip())
    print(f"load average {load()} at the end")


if __name__ == "__main__":
    main()
