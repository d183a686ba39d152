"""How fast is the hazard register's list, at 200,000 hazards against 2,000?

Runs on PostgreSQL, in two databases of its own (`shouwang_bench`, `shouwang_bench_small`;
no other database is touched), each filled by the demo generator. In process, through
`django.test.Client` logged in as a city-level user (`city`) and a station chief (`chief`), it
measures:

  (a) the HTML list  GET /hazards/               (URL name hazards:hazard-list)
  (b) the API list   GET /api/v1/hazards/?limit=50
      with the filters: none; open=true&grade=major; category=fire&overdue=true; q=<a word>;
      unit=<a district code> -- p50 and p95 over --requests requests each (goal: p95 < 150 ms);
  (c) the SQL queries per page for page sizes 10, 50 and 200 (they must be equal),

and prints the ratio big/small of each p95 (these machines are noisy: the small database,
measured in the same run, is the baseline).

    .venv/bin/python bench/hazard_list.py                 # generate both databases, measure
    .venv/bin/python bench/hazard_list.py --reuse         # keep databases that hold data
    .venv/bin/python bench/hazard_list.py --hazards 20000 --requests 20

Each database is measured in a child process of its own, because Django's settings (and so
DATABASE_URL) are fixed once per process.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIG_DB = "shouwang_bench"
SMALL_DB = "shouwang_bench_small"
GOAL_P95_MS = 150.0
PAGE_SIZES = (10, 50, 200)
# A word found in many titles and descriptions (灭火器过期, 灭火器压力不足 ...).
SEARCH_WORD = "灭火器"


def filters(district: str) -> list[tuple[str, dict[str, str]]]:
    """(name, query parameters) of each measured filter."""
    return [
        ("none", {}),
        ("open+major", {"open": "true", "grade": "major"}),
        ("fire+overdue", {"category": "fire", "overdue": "true"}),
        ("q", {"q": SEARCH_WORD}),
        ("unit", {"unit": district}),
    ]


# --------------------------------------------------------------------------- child process


def hazards_in(server: str, name: str) -> int | None:
    """How many hazards the database holds (None when it or its tables do not exist)."""
    import psycopg

    try:
        with psycopg.connect(f"{server}/{name}") as conn:
            row = conn.execute("SELECT count(*) FROM hazards_hazard").fetchone()
    except psycopg.Error:
        return None
    return int(row[0]) if row else None


def ensure_database(server: str, name: str, fresh: bool) -> None:
    """Create the bench database; with `fresh`, drop and recreate it (only this one)."""
    import psycopg

    assert name in {BIG_DB, SMALL_DB}, "the benchmark only ever manages its own databases"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')  # one of our two names
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def measure(server: str, name: str, hazards: int, requests: int, reuse: bool) -> dict[str, Any]:
    os.environ["DATABASE_URL"] = f"{server}/{name}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shouwang.config.settings")
    os.environ.setdefault("SHOUWANG_MEDIA_ROOT", str(Path(tempfile.gettempdir()) / "bench-media"))
    import django

    django.setup()
    from importlib import import_module

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import NoReverseMatch, reverse

    from shouwang.hazards.models import Hazard
    from shouwang.orgs.choices import UnitKind
    from shouwang.orgs.models import Unit, User

    # Fail before a long generation, not after, when the pages cannot be imported.
    import_module(settings.ROOT_URLCONF)
    call_command("migrate", interactive=False, verbosity=0)
    generated_seconds = None
    if not (reuse and Hazard.objects.exists()):
        if Unit.objects.exists() or User.objects.exists():
            raise SystemExit(f"{name} holds data; run with --reuse, or drop it first")
        started = time.monotonic()
        # Progress goes to stderr, which the parent does not capture.
        call_command("load_demo", scale=hazards / 2000, verbosity=1, stdout=sys.stderr)
        generated_seconds = time.monotonic() - started
        # What autovacuum would have done by the time a real register had grown this big:
        # statistics for the planner, and the visibility map for index-only scans.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    count = Hazard.objects.count()
    district = (
        Unit.objects.filter(kind=UnitKind.DISTRICT)
        .order_by("code")
        .values_list("code", flat=True)[0]
    )

    try:
        html_url = reverse("hazards:hazard-list")
    except NoReverseMatch:
        html_url = "/hazards/"
    api_url = "/api/v1/hazards/"
    results: dict[str, Any] = {
        "database": name,
        "district": district,
        "hazards": count,
        "generated_seconds": generated_seconds,
        "timings": [],
        "queries": [],
        "slowest": [],
    }
    for username in ("city", "chief"):
        client = Client()
        client.force_login(User.objects.get(username=username))
        for label, params in filters(district):
            for endpoint, url, extra in (
                ("html", html_url, {}),
                ("api", api_url, {"limit": "50"}),
            ):
                query = {**params, **extra}
                for _ in range(3):  # warm the caches and the connection
                    response = client.get(url, query)
                status = response.status_code
                times: list[float] = []
                for _ in range(requests):
                    started = time.perf_counter()
                    response = client.get(url, query)
                    times.append((time.perf_counter() - started) * 1000)
                with CaptureQueriesContext(connection) as captured:
                    client.get(url, query)
                slowest = max(captured.captured_queries, key=lambda q: float(q["time"]))
                results["timings"].append(
                    {
                        "user": username,
                        "endpoint": endpoint,
                        "filter": label,
                        "status": status,
                        "p50": statistics.median(times),
                        "p95": percentile(times, 0.95),
                        "rows": _rows(response),
                    }
                )
                results["slowest"].append(
                    {
                        "user": username,
                        "endpoint": endpoint,
                        "filter": label,
                        "ms": float(slowest["time"]) * 1000,
                        "sql": slowest["sql"],
                    }
                )
        results["queries"].extend(_query_counts(client, username, html_url, api_url))
    return results


def _rows(response: Any) -> int | None:
    """How many hazards matched, as the API reports it (None for HTML pages)."""
    if response.get("Content-Type", "").startswith("application/json"):
        try:
            return int(json.loads(response.content)["count"])
        except (KeyError, ValueError):
            return None
    return None


def _query_counts(client: Any, username: str, html_url: str, api_url: str) -> list[dict[str, Any]]:
    """SQL queries per page at each page size. The HTML list's page size is a module
    constant (`PAGE_SIZE`), patched here; the API takes `limit`."""
    from unittest import mock

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    try:
        from shouwang.hazards.views import pages
    except ImportError:
        pages = None  # type: ignore[assignment]
    counts: list[dict[str, Any]] = []
    for size in PAGE_SIZES:
        row: dict[str, Any] = {"user": username, "size": size}
        if pages is not None and hasattr(pages, "PAGE_SIZE"):
            patched = mock.patch.object(pages, "PAGE_SIZE", size)
            with patched, CaptureQueriesContext(connection) as html:
                status = client.get(html_url).status_code
            row["html"] = len(html.captured_queries) if status == 200 else None
        with CaptureQueriesContext(connection) as api:
            status = client.get(api_url, {"limit": str(size)}).status_code
        row["api"] = len(api.captured_queries) if status == 200 else None
        counts.append(row)
    return counts


# --------------------------------------------------------------------------- parent process


def run_child(args: argparse.Namespace, name: str, hazards: int) -> dict[str, Any]:
    # --reuse keeps a database only if it holds the number of hazards asked for.
    reuse = args.reuse and hazards_in(args.server, name) == hazards
    ensure_database(args.server, name, fresh=not reuse)
    command = [
        sys.executable,
        __file__,
        "--child",
        name,
        "--hazards",
        str(hazards),
        "--requests",
        str(args.requests),
        "--server",
        args.server,
    ]
    if reuse:
        command.append("--reuse")
    print(f"== {name}: {hazards:,} hazards", flush=True)
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    done = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True, env=env)
    lines = done.stdout.strip().splitlines()
    for line in lines[:-1]:
        print("   ", line)
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def report(big: dict[str, Any], small: dict[str, Any], requests: int) -> None:
    print()
    for result in (big, small):
        made = result["generated_seconds"]
        made_text = f"generated in {made:.0f} s" if made else "reused"
        print(f"{result['database']}: {result['hazards']:,} hazards ({made_text})")
    print(f"\n(a, b) response time over {requests} requests, in ms; goal p95 < {GOAL_P95_MS:.0f}")
    print(f"    filters: q={SEARCH_WORD}, unit={big['district']} (a district)")
    header = (
        f"{'user':<6} {'endpoint':<5} {'filter':<18} {'rows':>7} "
        f"{'p50':>7} {'p95':>7} {'p50 2k':>7} {'p95 2k':>7} {'p95 ratio':>9}  goal"
    )
    print(header)
    print("-" * len(header))
    baseline = {(t["user"], t["endpoint"], t["filter"]): t for t in small["timings"]}
    for t in big["timings"]:
        base = baseline[(t["user"], t["endpoint"], t["filter"])]
        if t["status"] != 200:
            print(f"{t['user']:<6} {t['endpoint']:<5} {t['filter']:<18} HTTP {t['status']}")
            continue
        ratio = t["p95"] / base["p95"] if base["p95"] else float("nan")
        rows = "" if t["rows"] is None else f"{t['rows']:,}"
        verdict = "ok" if t["p95"] < GOAL_P95_MS else "SLOW"
        print(
            f"{t['user']:<6} {t['endpoint']:<5} {t['filter']:<18} {rows:>7} "
            f"{t['p50']:7.1f} {t['p95']:7.1f} {base['p50']:7.1f} {base['p95']:7.1f} "
            f"{ratio:9.2f}  {verdict}"
        )
    print("\n(c) SQL queries per page (must not depend on the page size)")
    for result in (big, small):
        for row in result["queries"]:
            print(
                f"{result['database']:<22} {row['user']:<6} page size {row['size']:>3}: "
                f"html {row.get('html')!s:>4}  api {row.get('api')!s:>4}"
            )
    for result in (big, small):
        for endpoint in ("html", "api"):
            for user in ("city", "chief"):
                seen = {r.get(endpoint) for r in result["queries"] if r["user"] == user}
                if len(seen) > 1:
                    print(f"!! {result['database']} {endpoint} {user}: query count varies {seen}")
    slow = [s for s in big["slowest"] if s["ms"] > GOAL_P95_MS / 3]
    if slow:
        print("\nslowest SQL of requests where one query took over a third of the budget:")
        for s in slow:
            print(f"-- {s['user']} {s['endpoint']} {s['filter']}: {s['ms']:.1f} ms")
            print(_shorten(s["sql"]))


def _shorten(sql: str) -> str:
    """The statement without its long column list: what it reads and how it filters."""
    select, _from, rest = sql.partition(" FROM ")
    head = select if len(select) < 80 else select[:60] + " ..."
    return f"{head} FROM {rest}"[:900]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hazards", type=int, default=200_000, help="hazards in the big database")
    parser.add_argument("--small", type=int, default=2_000, help="hazards in the baseline")
    parser.add_argument("--requests", type=int, default=50, help="timed requests per case")
    parser.add_argument("--reuse", action="store_true", help="keep databases that hold data")
    parser.add_argument(
        "--server",
        default=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432"),
        help="PostgreSQL server URL, without a database name",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.server = args.server.rstrip("/")
    if args.child:
        result = measure(args.server, args.child, args.hazards, args.requests, args.reuse)
        print(json.dumps(result, ensure_ascii=False))
        return
    if args.requests < 1:
        parser.error("--requests must be at least 1")
    big = run_child(args, BIG_DB, args.hazards)
    small = run_child(args, SMALL_DB, args.small)
    report(big, small, args.requests)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    main()
