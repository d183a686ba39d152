"""Fund tracing through the platform: a statement of N rows imported for a report, then a
trace from the report's transfer, against the engine alone on the same rows (the baseline).

    .venv/bin/python bench/trace_platform.py               # 10,000 and 100,000 rows
    .venv/bin/python bench/trace_platform.py --rows 20000

Runs on a SQLite file of its own in a temporary directory (DATABASE_URL is set before Django
starts), migrated and filled with the test cast. Prints, per size: the import time and rate
(read + validate + bulk insert, all or nothing), the platform trace time (load the report's
rows from the database into Arrow + engine + save) with its p50 over --repeat runs, the
engine's own time on the same Arrow table, and the ratio platform / engine.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def statement(rows: int, card: str, start: str) -> bytes:
    """One CSV with many accounts' rows: the victim's payment into ``card`` and background
    traffic among 5,000 accounts over three days, ``card`` passing money on at random."""
    from datetime import datetime

    rng = random.Random(7)
    t0 = datetime.fromisoformat(start)
    accounts = [f"62{rng.randrange(10**14, 10**15)}" for _ in range(5000)]
    lines = ["交易时间,本方账号,收支,金额,对方账号,对方行,摘要,流水号"]
    lines.append(f"{t0:%Y-%m-%d %H:%M:%S},{card},收,30000.00,6222000011112222,某农商行,转账,S0")
    hubs = [card, *accounts[:50]]
    for n in range(1, rows):
        when = t0 + timedelta(seconds=rng.randrange(1, 3 * 86400))
        payer = rng.choice(hubs) if rng.random() < 0.3 else rng.choice(accounts)
        payee = rng.choice(accounts)
        amount = round(rng.paretovariate(1.5) * 200, 2)
        lines.append(f"{when:%Y-%m-%d %H:%M:%S},{payer},支,{amount},{payee},测试银行,转账,S{n}")
    return ("\n".join(lines) + "\n").encode()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="shouwang-trace-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shouwang.config.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from shouwang.antifraud.tests.factories import CARD_1
    from shouwang.antifraud.tracing.actions import do_import_statement, do_run_trace
    from shouwang.antifraud.tracing.ledger import local_naive, report_transactions
    from shouwang.antifraud.tracing.tests.statements import register_report, save_mappings
    from shouwang.common.testing import build_cast
    from shouwang.engines.tracing import Start, trace

    cast = build_cast()
    save_mappings(cast)
    print(f"SQLite in {folder}; machine shared with other work while measured")
    print(f"{'rows':>8} {'import s':>9} {'rows/s':>9} {'platform p50 ms':>16} "
          f"{'engine p50 ms':>14} {'ratio':>6}")  # fmt: skip
    for rows in args.rows:
        report = register_report(cast)
        transfer = report.transfers.all()[0]
        paid = f"{local_naive(transfer.at):%Y-%m-%d %H:%M:%S}"
        content = statement(rows, CARD_1, paid)
        began = time.perf_counter()
        do_import_statement(
            report, organisation=cast.bank, filename="big.csv", content=content, actor=cast.ivan
        )
        imported = time.perf_counter() - began
        platform, engine = [], []
        for _ in range(args.repeat):
            began = time.perf_counter()
            saved = do_run_trace(report, transfer=transfer, actor=cast.ivan)
            platform.append(time.perf_counter() - began)
            table = report_transactions(report)
            start = Start(CARD_1, 30000.0, local_naive(saved.start_time))
            began = time.perf_counter()
            trace(table, start)
            engine.append(time.perf_counter() - began)
        p, e = statistics.median(platform) * 1000, statistics.median(engine) * 1000
        print(f"{rows:>8} {imported:>9.2f} {rows / imported:>9.0f} {p:>16.1f} {e:>14.1f} "
              f"{p / e:>6.1f}")  # fmt: skip
        print(f"         flows {len(saved.result['flows'])}, holdings "
              f"{len(saved.result['holdings'])}, at {timezone.now():%H:%M:%S}")  # fmt: skip


if __name__ == "__main__":
    main()
