"""How fast is a blocklist lookup with 10 million indicators known?

Runs on PostgreSQL, in one database of its own (`shouwang_bench_fraud_blocklist`; no other
database is touched):

  1. loads `--indicators` (10,000,000) synthetic indicators with COPY (55 % mobile numbers,
     25 % bank cards with a valid Luhn digit, 10 % corporate accounts, 10 % domains; 30 %
     confirmed onto the blocklist), rebuilds the table's indexes after the load, and registers
     `--reports` (300) reports through the action, each naming two loaded phones and one loaded
     card, so that some lookups have references to read;
  2. in process, calls `shouwang.antifraud.blocklist.lookup` for known values (sampled from the
     table, written as an officer types them: spaces, no country code, a URL for a domain) and
     unknown values of the same shapes, warm, and prints p50 / p99 (goal p99 <= 1 ms) with the
     in-process index and, in the same process, without it (the plain indexed query: baseline);
  3. through the real server (gunicorn, 2 workers x 2 threads), GET
     /api/v1/antifraud/blocklist/lookup?value=... with a partner desk's token, one client,
     and prints p50 / p95 / p99;
  4. prints the size on disk (table + indexes, pg_total_relation_size) and in memory (the
     index's arrays, and the memory traced while building it).

    .venv/bin/python bench/blocklist_lookup.py             # load (a few minutes), measure
    .venv/bin/python bench/blocklist_lookup.py --reuse     # measure again on the loaded data
    .venv/bin/python bench/blocklist_lookup.py --indicators 200000 --lookups 2000   # quick look
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DB = "shouwang_bench_fraud_blocklist"
GOAL_P99_MS = 1.0
TABLE = "antifraud_indicator"
CONFIRMED_SHARE = 0.30
# (kind, share of the indicators)
MIX = (("phone", 0.55), ("bank_card", 0.25), ("bank_account", 0.10), ("domain", 0.10))
# Mobile prefixes whose every 8-digit suffix libphonenumber accepts (checked when written).
PHONE_PREFIXES: tuple[int, ...] = (130, 131, 132, 133, 135, 136, 137, 138, 139, 150, 151, 152)
PHONE_PREFIXES += (155, 156, 157, 158, 159, 166, 176, 177, 180, 181, 182, 183, 185, 186, 187)
PHONE_PREFIXES += (188, 189, 199)
CARD_BINS = ("622202", "621700", "622848", "621226", "625965", "436742", "622588", "621483")
DOMAIN_SUFFIXES = ("com", "cn", "com.cn", "top", "xyz", "vip", "net", "cc")
GUNICORN_WORKERS = 2
GUNICORN_THREADS = 2


# --------------------------------------------------------------------------- data


def _unique_ints(rng: np.random.Generator, n: int, high: int) -> np.ndarray:
    """`n` distinct integers in [0, high), in random order."""
    values = np.unique(rng.integers(0, high, size=int(n * 1.05) + 1000, dtype=np.int64))
    while len(values) < n:
        more = rng.integers(0, high, size=n, dtype=np.int64)
        values = np.unique(np.concatenate([values, more]))
    rng.shuffle(values)
    return values[:n]


def _luhn_digit(bodies: np.ndarray, length: int) -> np.ndarray:
    """The check digit that makes each `length`-digit body (as integers) pass Luhn."""
    total = np.zeros(len(bodies), dtype=np.int64)
    rest = bodies.copy()
    # Position 0 is the rightmost body digit: it is doubled, since the check digit follows it.
    for position in range(length):
        digit = rest % 10
        rest //= 10
        if position % 2 == 0:
            digit = digit * 2
            digit = np.where(digit > 9, digit - 9, digit)
        total += digit
    return (10 - total % 10) % 10


def phones(rng: np.random.Generator, n: int) -> list[str]:
    picks = _unique_ints(rng, n, len(PHONE_PREFIXES) * 10**8)
    prefixes = np.array(PHONE_PREFIXES)[picks // 10**8]
    return [
        f"+86{p}{s:08d}" for p, s in zip(prefixes.tolist(), (picks % 10**8).tolist(), strict=True)
    ]


def cards(rng: np.random.Generator, n: int) -> list[str]:
    """16-digit cards: a six-digit BIN, nine digits, the Luhn digit."""
    picks = _unique_ints(rng, n, len(CARD_BINS) * 10**9)
    bins = np.array([int(b) for b in CARD_BINS])[picks // 10**9]
    bodies = bins * 10**9 + picks % 10**9
    checks = _luhn_digit(bodies, 15)
    return [f"{b}{c}" for b, c in zip(bodies.tolist(), checks.tolist(), strict=True)]


def accounts(rng: np.random.Generator, n: int) -> list[str]:
    picks = _unique_ints(rng, n, 10**13)
    return [f"3301{v:013d}" for v in picks.tolist()]


def domains(rng: np.random.Generator, n: int) -> list[str]:
    picks = _unique_ints(rng, n, len(DOMAIN_SUFFIXES) * 36**7)
    alphabet = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = []
    for pick in picks.tolist():
        suffix, label = DOMAIN_SUFFIXES[pick % len(DOMAIN_SUFFIXES)], pick // len(DOMAIN_SUFFIXES)
        chars = []
        for _ in range(7):
            label, r = divmod(label, 36)
            chars.append(alphabet[r])
        out.append("x" + "".join(chars) + "." + suffix)  # starts with a letter, like most
    return out


GENERATORS: dict[str, Callable[[np.random.Generator, int], list[str]]] = {
    "phone": phones,
    "bank_card": cards,
    "bank_account": accounts,
    "domain": domains,
}


def copy_rows(rng: np.random.Generator, kind: str, values: list[str]) -> Iterator[bytes]:
    """COPY text rows: kind, value, first_seen, last_seen, report_count, confirmed_at, note."""
    now = np.datetime64("2026-06-01T00:00:00", "s")
    chunk = 200_000
    for start in range(0, len(values), chunk):
        part = values[start : start + chunk]
        age = rng.integers(0, 3 * 365 * 86400, size=len(part))
        first = np.datetime_as_string(now - age, unit="s")
        last = np.datetime_as_string(now - age // 2, unit="s")
        counts = rng.integers(1, 4, size=len(part))
        confirmed = rng.random(len(part)) < CONFIRMED_SHARE
        lines = [
            f"{kind}\t{v}\t{f}+00\t{la}+00\t{c}\t{la + '+00' if ok else chr(92) + 'N'}\t"
            f"{'bench' if ok else ''}\n"
            for v, f, la, c, ok in zip(
                part,
                first.tolist(),
                last.tolist(),
                counts.tolist(),
                confirmed.tolist(),
                strict=True,
            )
        ]
        yield "".join(lines).encode()


def load_indicators(server: str, n: int, seed: int) -> float:
    """COPY `n` indicators into the bench database with its secondary indexes dropped, then
    rebuild them from their saved definitions (faster than maintaining them row by row)."""
    import psycopg

    started = time.monotonic()
    rng = np.random.default_rng(seed)
    with psycopg.connect(f"{server}/{DB}") as conn:
        conn.execute("SET maintenance_work_mem = '1GB'")
        constraints = conn.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'u'",
            [TABLE],
        ).fetchall()
        indexes = conn.execute(
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = %s::regclass "
            "AND NOT x.indisprimary AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
            [TABLE],
        ).fetchall()
        for name, _definition in constraints:
            conn.execute(f'ALTER TABLE {TABLE} DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        columns = "kind, value, first_seen, last_seen, report_count, confirmed_at, confirm_note"
        with conn.cursor() as cursor, cursor.copy(f"COPY {TABLE} ({columns}) FROM STDIN") as copy:
            for kind, share in MIX:
                count = round(n * share) if kind != MIX[-1][0] else n - _loaded_before(n, kind)
                print(f"   {kind}: {count:,}", file=sys.stderr, flush=True)
                for block in copy_rows(rng, kind, GENERATORS[kind](rng, count)):
                    copy.write(block)
        # The deferred foreign-key checks of the copied rows run at this commit; a table with
        # pending trigger events cannot be altered.
        conn.commit()
        print(f"   copied in {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)
        for name, definition in constraints:
            conn.execute(f'ALTER TABLE {TABLE} ADD CONSTRAINT "{name}" {definition}')
        for _name, definition in indexes:
            conn.execute(definition)
        conn.commit()
    with psycopg.connect(f"{server}/{DB}", autocommit=True) as conn:
        # What autovacuum would have done by now: planner statistics and the visibility map.
        conn.execute(f"VACUUM ANALYZE {TABLE}")
    return time.monotonic() - started


def _loaded_before(n: int, kind: str) -> int:
    total = 0
    for k, share in MIX:
        if k == kind:
            return total
        total += round(n * share)
    return total


def ensure_database(server: str, fresh: bool) -> None:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB]).fetchone()
        if exists and fresh:
            conn.execute(f'DROP DATABASE "{DB}" WITH (FORCE)')  # only ever our own database
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{DB}"')


def indicators_in(server: str) -> int | None:
    import psycopg

    try:
        with psycopg.connect(f"{server}/{DB}") as conn:
            row = conn.execute(f"SELECT count(*) FROM {TABLE}").fetchone()  # noqa: S608
    except psycopg.Error:
        return None
    return int(row[0]) if row else None


def setup_django(server: str) -> None:
    os.environ["DATABASE_URL"] = f"{server}/{DB}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shouwang.config.settings")
    os.environ.setdefault("SHOUWANG_MEDIA_ROOT", str(Path(tempfile.gettempdir()) / "bench-media"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def build_cast() -> dict[str, Any]:
    """A city, a station with its chief, a bank and the bank's desk; built through actions."""
    import secrets

    from shouwang.orgs.actions import do_create_organisation, do_create_unit, do_create_user
    from shouwang.orgs.choices import OrganisationKind, Role, UnitKind
    from shouwang.orgs.models import Organisation, Unit, User

    if not User.objects.filter(username="bench_chief").exists():
        password = secrets.token_urlsafe(16)
        city = do_create_unit(
            code="330500", name="湖州市", kind=UnitKind.CITY, parent=None, actor=None
        )
        district = do_create_unit(
            code="330502", name="吴兴区", kind=UnitKind.DISTRICT, parent=city, actor=None
        )
        station = do_create_unit(
            code="330502001", name="爱山派出所", kind=UnitKind.STATION, parent=district, actor=None
        )
        bank = do_create_organisation(name="基准测试银行", kind=OrganisationKind.BANK, actor=None)
        do_create_user(
            username="bench_chief",
            password=password,
            role=Role.STATION_CHIEF,
            unit=station,
            actor=None,
        )
        do_create_user(
            username="bench_bank_desk",
            password=password,
            role=Role.PARTNER_DESK,
            organisation=bank,
            actor=None,
        )
    return {
        "station": Unit.objects.get(code="330502001"),
        "bank": Organisation.objects.get(name="基准测试银行"),
        "chief": User.objects.get(username="bench_chief"),
        "desk": User.objects.get(username="bench_bank_desk"),
    }


def register_reports(cast: dict[str, Any], count: int) -> None:
    """Reports naming loaded indicators, through the action (so they link as real ones do)."""
    from django.db import connection

    from shouwang.antifraud.actions import do_register_report
    from shouwang.antifraud.intake import parse_report

    with connection.cursor() as cursor:
        picked: dict[str, list[str]] = {}
        for kind, want in (("phone", 2 * count), ("bank_card", count)):
            cursor.execute(
                f"SELECT value FROM {TABLE} TABLESAMPLE SYSTEM (1) "  # noqa: S608
                "WHERE kind = %s LIMIT %s",
                [kind, want],
            )
            picked[kind] = [row[0] for row in cursor.fetchall()]
    for i in range(min(count, len(picked["bank_card"]), len(picked["phone"]) // 2)):
        payload = {
            "fraud_type": "investment",
            "occurred_at": "2026-05-30T10:00:00+08:00",
            "loss_amount": "20000.00",
            "indicators": [
                {"kind": "phone", "value": picked["phone"][2 * i]},
                {"kind": "phone", "value": picked["phone"][2 * i + 1]},
            ],
            "transfers": [
                {
                    "to_kind": "bank_card",
                    "to_account": picked["bank_card"][i],
                    "to_institution": cast["bank"].pk,
                    "amount": "20000.00",
                    "at": "2026-05-30T10:20:00+08:00",
                }
            ],
        }
        do_register_report(parse_report(payload), actor=cast["chief"])


# --------------------------------------------------------------------------- measuring


def as_typed(kind: str, value: str) -> str:
    """How an officer or a partner system writes a stored value."""
    if kind == "phone":
        local = value.removeprefix("+86")
        return f"{local[:3]} {local[3:7]} {local[7:]}"
    if kind == "bank_card":
        return " ".join(value[i : i + 4] for i in range(0, len(value), 4))
    if kind == "domain":
        return f"https://www.{value}/login?from=sms"
    return value


def samples(count: int, seed: int) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(kind, typed value) pairs: known ones sampled from the table (a tenth from the ones the
    reports name, which have references to read) and unknown ones of the same shapes."""
    from django.db import connection

    total = indicators_in(os.environ["DATABASE_URL"].rsplit("/", 1)[0]) or 1
    with connection.cursor() as cursor:
        percent = min(100.0, 100.0 * count * 1.2 / total)
        cursor.execute(
            f"SELECT kind, value FROM {TABLE} TABLESAMPLE BERNOULLI (%s) LIMIT %s",  # noqa: S608
            [percent, count],
        )
        known = cursor.fetchall()
        cursor.execute(
            f"SELECT DISTINCT i.kind, i.value FROM {TABLE} i JOIN antifraud_reportindicator r "  # noqa: S608
            "ON r.indicator_id = i.id LIMIT %s",
            [count // 10],
        )
        known = known[: count - count // 10] + cursor.fetchall()
        rng = np.random.default_rng(seed)
        fresh = [
            (kind, value)
            for kind, share in MIX
            for value in GENERATORS[kind](rng, max(1, round(count * share * 1.1)))
        ]
        cursor.execute(
            f"SELECT kind, value FROM {TABLE} WHERE (kind, value) IN "  # noqa: S608
            "(SELECT * FROM unnest(%s::text[], %s::text[]))",
            [[k for k, _v in fresh], [v for _k, v in fresh]],
        )
        taken = set(cursor.fetchall())
    unknown = [(k, v) for k, v in fresh if (k, v) not in taken][:count]
    return (
        [(k, as_typed(k, v)) for k, v in known],
        [(k, as_typed(k, v)) for k, v in unknown],
    )


def time_lookups(user: Any, items: list[tuple[str, str, bool]]) -> dict[bool, list[float]]:
    """Milliseconds per call of `lookup`, by whether the value is known; checks each answer."""
    from shouwang.antifraud.blocklist import lookup

    times: dict[bool, list[float]] = {True: [], False: []}
    for kind, value, known in items:
        started = time.perf_counter()
        result = lookup(user, value, kind)
        times[known].append((time.perf_counter() - started) * 1000)
        if result.known != known:
            raise SystemExit(f"wrong answer for {kind} {value}: known={result.known}")
    return times


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def line(label: str, values: list[float]) -> str:
    return (
        f"   {label:<26} n={len(values):>6,}  p50 {statistics.median(values):7.3f}  "
        f"p95 {percentile(values, 0.95):7.3f}  p99 {percentile(values, 0.99):7.3f} ms"
    )


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for row in status:
            if row.startswith("VmRSS:"):
                return int(row.split()[1]) / 1024
    return float("nan")


def measure_in_process(cast: dict[str, Any], lookups: int) -> dict[str, Any]:
    from django.test import override_settings

    from shouwang.antifraud import blocklist

    known, unknown = samples(lookups // 2, seed=99)
    items = [(k, v, True) for k, v in known] + [(k, v, False) for k, v in unknown]
    random.Random(7).shuffle(items)
    warm = items[: min(1000, len(items))]
    print(f"\n(1) in process: {len(known):,} known and {len(unknown):,} unknown values, warm")
    with override_settings(FRAUD_BLOCKLIST_INDEX=False):
        time_lookups(cast["desk"], warm)
        plain = time_lookups(cast["desk"], items)
    rss_before = rss_mb()
    started = time.monotonic()
    blocklist.KNOWN.rebuild()
    build_seconds = time.monotonic() - started
    rss_growth = rss_mb() - rss_before
    time_lookups(cast["desk"], warm)
    indexed = time_lookups(cast["desk"], items)
    print("   baseline: the plain indexed query (FRAUD_BLOCKLIST_INDEX off)")
    print(line("known", plain[True]))
    print(line("unknown", plain[False]))
    print(line("all", plain[True] + plain[False]))
    print("   with the in-process index")
    print(line("known", indexed[True]))
    print(line("unknown", indexed[False]))
    print(line("all", indexed[True] + indexed[False]))
    every = indexed[True] + indexed[False]
    p99 = percentile(every, 0.99)
    base_p99 = percentile(plain[True] + plain[False], 0.99)
    print(
        f"   p99 all: {p99:.3f} ms with the index vs {base_p99:.3f} ms without "
        f"(x{base_p99 / p99:.1f}); goal p99 <= {GOAL_P99_MS:g} ms: "
        f"{'met' if p99 <= GOAL_P99_MS else 'MISSED'}"
    )
    print(
        f"   index: {blocklist.KNOWN.size:,} keys, {blocklist.KNOWN.nbytes / 2**20:.1f} MiB "
        f"(array nbytes); built in {build_seconds:.1f} s; process RSS grew "
        f"{rss_growth:.0f} MiB across the build"
    )
    return {"known": known, "unknown": unknown, "build_seconds": build_seconds}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def api_get(port: int, token: str, kind: str, value: str) -> int:
    query = urllib.parse.urlencode({"value": value, "kind": kind})
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/antifraud/blocklist/lookup?{query}",
        headers={"Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        response.read()
        return int(response.status)


def measure_api(cast: dict[str, Any], data: dict[str, Any], requests: int, server: str) -> None:
    from shouwang.orgs.actions_tokens import do_create_api_token

    token = do_create_api_token(
        user=cast["desk"], name=f"lookup bench {int(time.time())}", actor=None
    ).raw
    port = free_port()
    log = Path(tempfile.gettempdir()) / f"{DB}-gunicorn.log"
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "shouwang.config.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--worker-class",
        "gthread",
        "--workers",
        str(GUNICORN_WORKERS),
        "--threads",
        str(GUNICORN_THREADS),
    ]
    env = {**os.environ, "DATABASE_URL": f"{server}/{DB}"}
    with log.open("wb") as out:
        process = subprocess.Popen(  # our own fixed command line
            command, stdout=out, stderr=out, env=env, cwd=ROOT, start_new_session=True
        )
    try:
        rng = random.Random(11)
        unknown, known = data["unknown"], data["known"]
        # Each worker builds its own index in the background on its first lookup and reads
        # the database meanwhile: keep both busy for three times the in-process build time.
        warm_seconds = max(30.0, 3 * data["build_seconds"])
        started = time.monotonic()
        while time.monotonic() - started < warm_seconds:
            kind, value = rng.choice(unknown)
            try:
                api_get(port, token, kind, value)
            except OSError:
                time.sleep(0.2)
        times: dict[bool, list[float]] = {True: [], False: []}
        for i in range(requests):
            is_known = i % 2 == 0
            kind, value = rng.choice(known if is_known else unknown)
            t0 = time.perf_counter()
            status = api_get(port, token, kind, value)
            times[is_known].append((time.perf_counter() - t0) * 1000)
            if status != 200:
                raise SystemExit(f"HTTP {status} for {kind} {value}")
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    print(
        f"\n(2) API: GET /api/v1/antifraud/blocklist/lookup through gunicorn "
        f"({GUNICORN_WORKERS} workers x {GUNICORN_THREADS} threads, gthread), one client, "
        f"a partner desk's token; warm-up {warm_seconds:.0f} s (3x the in-process build)"
    )
    print(line("known", times[True]))
    print(line("unknown", times[False]))
    print(line("all", times[True] + times[False]))


def sizes(server: str) -> None:
    import psycopg

    with psycopg.connect(f"{server}/{DB}") as conn:
        row = conn.execute(
            "SELECT pg_total_relation_size(%s), pg_relation_size(%s), pg_indexes_size(%s)",
            [TABLE, TABLE, TABLE],
        ).fetchone()
        assert row is not None
        indexes = conn.execute(
            "SELECT indexrelid::regclass::text, pg_relation_size(indexrelid) FROM pg_index "
            "WHERE indrelid = %s::regclass ORDER BY 2 DESC",
            [TABLE],
        ).fetchall()
    total, heap, index_bytes = row
    print(
        f"\n(3) on disk: {TABLE} {total / 2**20:,.0f} MiB in all "
        f"(table {heap / 2**20:,.0f} MiB, indexes {index_bytes / 2**20:,.0f} MiB: "
        + ", ".join(f"{name} {size / 2**20:,.0f}" for name, size in indexes)
        + ")"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--indicators", type=int, default=10_000_000)
    parser.add_argument("--reports", type=int, default=300, help="reports naming loaded values")
    parser.add_argument("--lookups", type=int, default=20_000, help="timed in-process lookups")
    parser.add_argument("--api-requests", type=int, default=2_000, help="timed API requests")
    parser.add_argument("--reuse", action="store_true", help="keep a database that holds data")
    parser.add_argument(
        "--server",
        default=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432"),
        help="PostgreSQL server URL, without a database name",
    )
    args = parser.parse_args()
    server = args.server.rstrip("/")
    # --reuse keeps the database only if it holds at least the indicators asked for.
    reuse = args.reuse and (indicators_in(server) or 0) >= args.indicators
    ensure_database(server, fresh=not reuse)
    setup_django(server)
    cast = build_cast()
    if reuse:
        print(f"reusing {DB}: {indicators_in(server):,} indicators")
    else:
        seconds = load_indicators(server, args.indicators, seed=20260601)
        started = time.monotonic()
        register_reports(cast, args.reports)
        print(
            f"loaded {args.indicators:,} indicators in {seconds:.0f} s (COPY, indexes rebuilt, "
            f"VACUUM ANALYZE); {args.reports} reports through the action in "
            f"{time.monotonic() - started:.0f} s"
        )
    print(f"{os.cpu_count()} CPUs, shared with the database and other work on this machine")
    print("load average at the start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    data = measure_in_process(cast, args.lookups)
    print("load average after (1): {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    measure_api(cast, data, args.api_requests, server)
    sizes(server)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    main()
