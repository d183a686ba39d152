"""How fast is the audit log's CSV export (`GET /audit/export.csv`)?

An inspector exports a quarter of a city's audit log: hundreds of thousands of rows. This
fills a database of its own with --rows audit rows (a realistic mix: case steps, reveals of
personal data with their purpose, exports, API writes; an actor and a unit on most rows),
then, in the same process:

  (a) the floor: the same rows read with `values_list` and written with `csv.writer`, no
      labels, no formula quoting (what reading and writing alone cost);
  (b) the export: the view's row generator over the auditor's filtered queryset, as the
      streaming response runs it (labels in the reader's language, CSV-injection quoting);

and prints rows per second of each and the ratio (b)/(a). SQLite in a temporary directory by
default; --server runs on PostgreSQL in a database of its own (`shouwang_bench_audit_export`).

    .venv/bin/python bench/audit_export.py [--rows 200000] [--server [URL]]
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from random import Random

ROOT = Path(__file__).resolve().parent.parent
DB = "shouwang_bench_audit_export"
ACTIONS = [
    ("case.register", "hazards.hazard"),
    ("case.assign", "hazards.hazard"),
    ("case.verify", "hazards.hazard"),
    ("case.close", "antifraud.fraudreport"),
    ("personal.reveal", "antifraud.fraudreport"),
    ("fraud.request_sent", "antifraud.partnerrequest"),
    ("warning.outcome", "fraud_warning.warningtask"),
    ("hazard.export", ""),
    ("notice.preference", "orgs.user"),
]


def prepare_database(server: str | None) -> Callable[[], None]:
    """Point Django at a fresh database of our own; returns the clean-up."""
    if server is None:
        folder = tempfile.mkdtemp(prefix="shouwang-audit-bench-")
        os.environ.pop("DATABASE_URL", None)
        os.environ["SHOUWANG_SQLITE_PATH"] = str(Path(folder) / "bench.sqlite3")
        return lambda: shutil.rmtree(folder, ignore_errors=True)
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')  # only ever our own
        conn.execute(f'CREATE DATABASE "{DB}"')
    os.environ["DATABASE_URL"] = f"{server}/{DB}"

    def drop() -> None:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')

    return drop


def setup_django() -> str:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shouwang.config.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", interactive=False, verbosity=0)
    return connection.vendor


def fill(rows: int, seed: int) -> None:
    from django.utils import timezone

    from shouwang.audit.models import AuditEvent
    from shouwang.orgs.choices import Role, UnitKind
    from shouwang.orgs.models import Unit, User

    rng = Random(seed)
    city = Unit.objects.create(code="330500", name="湖州市", kind=UnitKind.CITY, path="/330500/")
    units = [city] + [
        Unit.objects.create(
            code=f"3305{i:02d}",
            name=f"第{i}派出所",
            kind=UnitKind.STATION,
            parent=city,
            path=f"/330500/3305{i:02d}/",
        )
        for i in range(1, 21)
    ]
    users = [
        User.objects.create(username=f"officer{i}", role=Role.STATION_CHIEF, unit=rng.choice(units))
        for i in range(50)
    ]
    auditor = User.objects.create(username="inspector", role=Role.AUDITOR, unit=city)
    start = timezone.now() - timedelta(days=90)
    batch = []
    for _ in range(rows):
        action, object_type = rng.choice(ACTIONS)
        actor = rng.choice(users)
        detail: dict[str, object] = {"note": "已核实,按期整改"}
        if action == "personal.reveal":
            detail = {"field": "victim_phone", "case": f"ZP{rng.randrange(10**7):07d}"}
        batch.append(
            AuditEvent(
                actor=actor,
                actor_label=actor.username,
                action=action,
                object_type=object_type,
                object_id=str(rng.randrange(1, 10**6)),
                object_label=f"HZ{rng.randrange(10**7):07d} 燃气软管老化",
                unit=rng.choice(units),
                ip=f"10.1.{rng.randrange(256)}.{rng.randrange(256)}",
                channel=rng.choice(("web", "api")),
                purpose="案件办理" if action == "personal.reveal" else "",
                detail=detail,
            )
        )
        if len(batch) == 5000:
            AuditEvent.objects.bulk_create(batch)
            batch = []
    AuditEvent.objects.bulk_create(batch)
    # auto_now_add stamped every row with the fill's time; one earlier time will do (the
    # export's order then falls to the id), the export reads every row anyway.
    AuditEvent.objects.filter(pk__gt=0).update(at=start)
    print(f"audit rows: {AuditEvent.objects.count():,}; auditor {auditor.username}")


def floor() -> float:
    from shouwang.audit.models import AuditEvent

    fields = [
        "at", "actor_label", "actor__username", "action", "object_type", "object_id",
        "object_label", "unit__code", "unit__name", "channel", "ip", "purpose", "detail",
    ]  # fmt: skip
    out = _Sink()
    writer = csv.writer(out)
    started = time.perf_counter()
    for row in AuditEvent.objects.values_list(*fields).iterator(chunk_size=2000):
        writer.writerow(row)
    return time.perf_counter() - started


class _Sink:
    def __init__(self) -> None:
        self.size = 0

    def write(self, value: str) -> None:
        self.size += len(value)


def export() -> tuple[float, int]:
    from django.utils import translation

    from shouwang.audit.actions import do_export_audit_log
    from shouwang.audit.filters import AuditFilter
    from shouwang.audit.views import _csv_rows
    from shouwang.orgs.models import User

    auditor = User.objects.get(username="inspector")
    started = time.perf_counter()
    events = do_export_audit_log(AuditFilter(), actor=auditor)
    lines = 0
    with translation.override("zh-hans"):
        for chunk in _csv_rows(events, "zh-hans"):
            lines += chunk.count("\r\n")  # csv.writer's line end; cells hold no \r\n here
    return time.perf_counter() - started, lines - 1  # the header


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--server",
        nargs="?",
        const=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432"),
    )
    args = parser.parse_args()
    drop = prepare_database(args.server)
    try:
        vendor = setup_django()
        one, five, _fifteen = os.getloadavg()
        print(f"audit CSV export on {vendor}; load average {one:.2f} / {five:.2f} at the start")
        started = time.perf_counter()
        fill(args.rows, args.seed)
        print(f"filled in {time.perf_counter() - started:.0f} s")
        base = floor()
        seconds, rows = export()
        print(
            f"(a) floor, values_list + csv.writer: {args.rows / base:>9,.0f} rows/s ({base:.1f} s)"
        )
        print(
            f"(b) the export's rows:               {rows / seconds:>9,.0f} rows/s "
            f"({seconds:.1f} s, {rows:,} rows)"
        )
        print(f"ratio (b)/(a) in rows/s: {base / seconds:.2f}")
    finally:
        drop()


if __name__ == "__main__":
    main()
