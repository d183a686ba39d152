"""Fraud reports through the real server: 50 a second for 2 minutes, and a crash mid-run.

Runs on PostgreSQL, in one database of its own (`shouwang_bench_fraud_intake`, dropped and
recreated on every run; no other database is touched). It builds a small cast through the
project's actions (a city, a station and its chief with an API token, four banks and three
carriers with their names as the routing expects), starts gunicorn as a subprocess
(`--workers`, `--threads`, gthread workers) and drives POST /api/v1/antifraud/reports
open-loop: report i is due at start + i / rate whatever happened to the ones before, and its
latency is counted from that due time, so a slow server cannot slow the arrivals down and hide
its own queue. Each report names two phones and two receiving bank cards (two transfers), so
the server creates four block and freeze requests in the same transaction as the report; a
201 means all of it is committed. A tenth of the reports name a phone an earlier one named.

Phases, in one run:
  baseline   `--baseline-rate` (5) reports a second for `--baseline-seconds` (20 s);
  load       `--rate` (50) a second for `--seconds` (120 s); goal p95 <= 1 s;
  crash      `--rate` a second for `--crash-seconds` (60 s); a third of the way in, the server's
             whole process group (master and workers) gets SIGKILL while requests are in
             flight; it is restarted at once and the load goes on.

Afterwards it reads the database: every acknowledged report (the client kept each 201's id and
ack_number) must be there with as many requests as its 201 listed (lost: must be 0 and 0).
Requests that got no answer because of the kill are not acknowledged, so not lost; they are
counted apart, with how many of them were committed anyway (each with all four requests: a
report is never committed without them).

    .venv/bin/python bench/fraud_intake.py
    .venv/bin/python bench/fraud_intake.py --seconds 30 --crash-seconds 30   # a quicker look
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB = "shouwang_bench_fraud_intake"
URL = "/api/v1/antifraud/reports"
GOAL_P95_S = 1.0
CLIENT_THREADS = 64
REQUESTS_PER_REPORT = 4
# Mobile prefixes of the three carriers (libphonenumber's carrier data names them).
PREFIXES = {
    "中国移动": (138, 139, 150, 187),
    "中国联通": (130, 186, 156),
    "中国电信": (133, 189, 177),
}
BANKS = ("工商银行湖州分行", "农业银行湖州分行", "建设银行湖州分行", "湖州银行")
CARD_BINS = ("622202", "622848", "621700", "621226")


# --------------------------------------------------------------------------- the cast


def ensure_fresh_database(server: str) -> None:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')  # only ever our own
        conn.execute(f'CREATE DATABASE "{DB}"')


def setup_django(server: str) -> None:
    os.environ["DATABASE_URL"] = f"{server}/{DB}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shouwang.config.settings")
    os.environ.setdefault("SHOUWANG_MEDIA_ROOT", str(Path(tempfile.gettempdir()) / "bench-media"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


@dataclass
class Cast:
    token: str
    bank_ids: list[int]


def build_cast() -> Cast:
    import secrets

    from shouwang.orgs.actions import do_create_organisation, do_create_unit, do_create_user
    from shouwang.orgs.actions_tokens import do_create_api_token
    from shouwang.orgs.choices import OrganisationKind, Role, UnitKind

    city = do_create_unit(code="330500", name="湖州市", kind=UnitKind.CITY, parent=None, actor=None)
    district = do_create_unit(
        code="330502", name="吴兴区", kind=UnitKind.DISTRICT, parent=city, actor=None
    )
    station = do_create_unit(
        code="330502001", name="爱山派出所", kind=UnitKind.STATION, parent=district, actor=None
    )
    banks = [do_create_organisation(name=n, kind=OrganisationKind.BANK, actor=None) for n in BANKS]
    for carrier in PREFIXES:
        do_create_organisation(
            name=f"{carrier}湖州分公司", kind=OrganisationKind.CARRIER, actor=None
        )
    chief = do_create_user(
        username="bench_chief",
        password=secrets.token_urlsafe(16),
        role=Role.STATION_CHIEF,
        unit=station,
        actor=None,
    )
    token = do_create_api_token(user=chief, name="fraud intake bench", actor=None)
    return Cast(token=token.raw, bank_ids=[b.pk for b in banks])


# --------------------------------------------------------------------------- the payloads


def with_luhn(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch) * (2 if i % 2 == 0 else 1)  # the check digit will follow: doubled first
        total += d - 9 if d > 9 else d
    return body + str((10 - total % 10) % 10)


def payloads(cast: Cast, count: int, marker: str, rng: random.Random) -> list[bytes]:
    """`count` report bodies, each naming two phones and paying two cards, serialised up
    front so that the client's own work stays small while it measures."""
    prefixes = [p for group in PREFIXES.values() for p in group]
    now = datetime.now(UTC)
    seen: list[str] = []
    bodies: list[bytes] = []
    for i in range(count):
        phones = [f"{rng.choice(prefixes)}{rng.randrange(10**8):08d}" for _ in range(2)]
        if seen and rng.random() < 0.1:
            phones[1] = rng.choice(seen)  # a number an earlier report named: the reports link
        seen.extend(phones[:1])
        cards = [with_luhn(rng.choice(CARD_BINS) + f"{rng.randrange(10**9):09d}") for _ in range(2)]
        amounts = [rng.randrange(1_000, 50_000) for _ in range(2)]
        body = {
            "fraud_type": rng.choice(["investment", "order_brushing", "fake_support", "loan"]),
            "occurred_at": (now - timedelta(hours=3)).isoformat(),
            "loss_amount": f"{sum(amounts)}.00",
            "narrative": f"{marker} #{i}",
            "victim_name": "王某",
            "victim_phone": "13900001111",
            "indicators": [{"kind": "phone", "value": p} for p in phones],
            "transfers": [
                {
                    "to_kind": "bank_card",
                    "to_account": card,
                    "to_institution": rng.choice(cast.bank_ids),
                    "amount": f"{amount}.00",
                    "at": (now - timedelta(hours=2, minutes=10 * k)).isoformat(),
                }
                for k, (card, amount) in enumerate(zip(cards, amounts, strict=True))
            ],
            "channel": "desk",
        }
        bodies.append(json.dumps(body, ensure_ascii=False).encode())
    return bodies


# --------------------------------------------------------------------------- the server


class Server:
    """gunicorn in a session of its own, so one killpg reaches the master and every worker."""

    def __init__(self, port: int, workers: int, threads: int, log: Path) -> None:
        self.port, self.workers, self.threads, self.log = port, workers, threads, log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> float:
        """Start and wait until a worker answers; the seconds it took."""
        started = time.monotonic()
        command = [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "shouwang.config.wsgi",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--worker-class",
            "gthread",
            "--workers",
            str(self.workers),
            "--threads",
            str(self.threads),
            "--timeout",
            "60",
        ]
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                command, stdout=out, stderr=out, start_new_session=True, cwd=ROOT
            )
        while time.monotonic() - started < 60:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited with {self.process.returncode}; see {self.log}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/api/v1/antifraud/requests?limit=1")
                conn.getresponse().read()
                conn.close()
                return time.monotonic() - started
            except OSError:
                time.sleep(0.05)
        raise SystemExit(f"gunicorn did not answer within 60 s; see {self.log}")

    def kill(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)


# --------------------------------------------------------------------------- the client


@dataclass
class Outcome:
    index: int
    due: float
    done: float = 0.0
    status: int = 0
    error: str = ""  # "refused": the server was down; "no answer": sent, connection lost
    report_id: int | None = None
    ack_number: str = ""
    requests: int = 0

    @property
    def latency(self) -> float:
        return self.done - self.due


def post(port: int, token: str, body: bytes, outcome: Outcome) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {
        "Authorization": f"Bearer {token}",
        "Content-Type": "application/json",
        "Connection": "close",
    }
    try:
        try:
            conn.connect()
        except ConnectionRefusedError:
            outcome.error = "refused"
            return
        conn.request("POST", URL, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        outcome.status = response.status
        if response.status == 201:
            answer = json.loads(data)
            outcome.report_id = int(answer["id"])
            outcome.ack_number = str(answer["ack_number"])
            outcome.requests = len(answer["requests"])
    except (OSError, http.client.HTTPException):
        outcome.error = "no answer"
    finally:
        outcome.done = time.monotonic()
        conn.close()


@dataclass
class Phase:
    name: str
    rate: float
    seconds: float
    outcomes: list[Outcome] = field(default_factory=list)
    started: float = 0.0
    ended: float = 0.0
    kill_at: float | None = None
    in_flight_at_kill: int = 0
    restart_seconds: float = 0.0


def drive(phase: Phase, bodies: list[bytes], port: int, token: str, server: Server) -> None:
    """Open loop: a dispatcher hands each report to the client threads at its due time."""
    work: queue.Queue[tuple[Outcome, bytes] | None] = queue.Queue()

    def client() -> None:
        while (item := work.get()) is not None:
            post(port, token, item[1], item[0])

    threads = [threading.Thread(target=client, daemon=True) for _ in range(CLIENT_THREADS)]
    for t in threads:
        t.start()
    count = round(phase.rate * phase.seconds)
    phase.started = time.monotonic() + 0.2
    phase.outcomes = [Outcome(i, phase.started + i / phase.rate) for i in range(count)]
    killer = None
    if phase.kill_at is not None:
        killer = threading.Thread(target=_kill_and_restart, args=(phase, server), daemon=True)
        killer.start()
    for outcome, body in zip(phase.outcomes, bodies, strict=False):
        delay = outcome.due - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        work.put((outcome, body))
    for _ in threads:
        work.put(None)
    for t in threads:
        t.join()
    if killer is not None:
        killer.join()
    phase.ended = max(o.done for o in phase.outcomes)


def _kill_and_restart(phase: Phase, server: Server) -> None:
    assert phase.kill_at is not None
    time.sleep(max(0.0, phase.started + phase.kill_at - time.monotonic()))
    now = time.monotonic()
    phase.in_flight_at_kill = sum(1 for o in phase.outcomes if o.due <= now and not o.done)
    server.kill()
    phase.restart_seconds = server.start()


# --------------------------------------------------------------------------- checking


@dataclass
class Check:
    acknowledged: int
    missing: int  # acknowledged reports not in the database
    incomplete: int  # acknowledged reports with fewer requests than their 201 listed
    unanswered: int
    unanswered_committed: int
    committed_without_all_requests: int  # any report of the run, answered or not


def check(phase: Phase, marker: str) -> Check:
    from django.db.models import Count

    from shouwang.antifraud.models import FraudReport

    acked = [o for o in phase.outcomes if o.status == 201]
    stored = {
        row["ack_number"]: row
        for row in FraudReport.objects.filter(narrative__startswith=f"{marker} #")
        .annotate(n=Count("requests"))
        .values("id", "ack_number", "narrative", "n")
    }
    missing = sum(
        1 for o in acked if o.ack_number not in stored or stored[o.ack_number]["id"] != o.report_id
    )
    incomplete = sum(
        1 for o in acked if o.ack_number in stored and stored[o.ack_number]["n"] < o.requests
    )
    by_index = {int(row["narrative"].rsplit("#", 1)[1]): row for row in stored.values()}
    unanswered = [o for o in phase.outcomes if o.status != 201 and o.error == "no answer"]
    return Check(
        acknowledged=len(acked),
        missing=missing,
        incomplete=incomplete,
        unanswered=len(unanswered),
        unanswered_committed=sum(1 for o in unanswered if o.index in by_index),
        committed_without_all_requests=sum(
            1 for row in stored.values() if row["n"] != REQUESTS_PER_REPORT
        ),
    )


# --------------------------------------------------------------------------- reporting


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def summary(phase: Phase, result: Check) -> dict[str, float]:
    ok = [o.latency for o in phase.outcomes if o.status == 201]
    span = phase.ended - phase.started
    errors: dict[str, int] = {}
    for o in phase.outcomes:
        if o.status != 201:
            key = o.error or f"HTTP {o.status}"
            errors[key] = errors.get(key, 0) + 1
    print(f"\n== {phase.name}: {phase.rate:g} reports/s for {phase.seconds:g} s (open loop)")
    print(f"   scheduled {len(phase.outcomes):,}; acknowledged (201) {len(ok):,}")
    print(f"   achieved {len(ok) / span:.1f} acknowledged reports/s over {span:.1f} s")
    if ok:
        print(
            "   report-to-requests-committed latency, s: "
            f"p50 {statistics.median(ok):.3f}  p95 {percentile(ok, 0.95):.3f}  "
            f"p99 {percentile(ok, 0.99):.3f}  max {max(ok):.3f}"
        )
    print(f"   errors: {errors or 'none'}")
    if phase.kill_at is not None:
        print(
            f"   SIGKILL to the server's process group at {phase.kill_at:g} s with "
            f"{phase.in_flight_at_kill} requests in flight; back up in "
            f"{phase.restart_seconds:.2f} s"
        )
    print(
        f"   database: acknowledged {result.acknowledged:,}; acknowledged but missing "
        f"{result.missing}; acknowledged with missing requests {result.incomplete}"
    )
    print(
        f"   not answered (connection lost, not acknowledged) {result.unanswered}, of which "
        f"committed anyway {result.unanswered_committed}; reports of this phase stored without "
        f"all {REQUESTS_PER_REPORT} requests {result.committed_without_all_requests}"
    )
    return {
        "p50": statistics.median(ok) if ok else float("nan"),
        "p95": percentile(ok, 0.95) if ok else float("nan"),
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def postgres_settings(server: str) -> str:
    import psycopg

    with psycopg.connect(f"{server}/{DB}") as conn:
        rows = [
            f"{name}={conn.execute(f'SHOW {name}').fetchone()[0]}"  # type: ignore[index]
            for name in ("synchronous_commit", "fsync", "shared_buffers", "max_connections")
        ]
        version = conn.execute("SHOW server_version").fetchone()
    return f"PostgreSQL {version[0] if version else '?'}: " + ", ".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=50.0, help="reports a second")
    parser.add_argument("--seconds", type=float, default=120.0, help="length of the load phase")
    parser.add_argument("--crash-seconds", type=float, default=60.0, help="0: no crash phase")
    parser.add_argument("--baseline-rate", type=float, default=5.0)
    parser.add_argument("--baseline-seconds", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument(
        "--server",
        default=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432"),
        help="PostgreSQL server URL, without a database name",
    )
    args = parser.parse_args()
    server_url = args.server.rstrip("/")
    ensure_fresh_database(server_url)
    setup_django(server_url)
    cast = build_cast()
    log = Path(tempfile.gettempdir()) / f"{DB}-gunicorn.log"
    log.unlink(missing_ok=True)
    server = Server(free_port(), args.workers, args.threads, log)
    print(postgres_settings(server_url))
    print(
        f"gunicorn {args.workers} workers x {args.threads} threads (gthread); "
        f"{CLIENT_THREADS} client threads; {os.cpu_count()} CPUs shared with the database "
        "and the client"
    )
    phases = [
        Phase("baseline", args.baseline_rate, args.baseline_seconds),
        Phase("load", args.rate, args.seconds),
    ]
    if args.crash_seconds > 0:
        phases.append(Phase("crash", args.rate, args.crash_seconds, kill_at=args.crash_seconds / 3))
    rng = random.Random(20261123)
    print(f"server up in {server.start():.2f} s")
    # Every worker loads its lazy data (libphonenumber's carrier tables, the ORM's caches)
    # on its first reports: done here, untimed, so the baseline measures a warm server.
    for body in payloads(cast, 30, "bench warm-up", rng):
        post(server.port, cast.token, body, Outcome(0, time.monotonic()))
    stats: dict[str, dict[str, float]] = {}
    try:
        for phase in phases:
            marker = f"bench {phase.name} {int(time.time())}"
            bodies = payloads(cast, round(phase.rate * phase.seconds), marker, rng)
            drive(phase, bodies, server.port, cast.token, server)
            print("   load average after the phase: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
            stats[phase.name] = summary(phase, check(phase, marker))
    finally:
        server.stop()
    base, load = stats["baseline"], stats["load"]
    print(
        f"\nload vs baseline: p50 x{load['p50'] / base['p50']:.2f}, "
        f"p95 x{load['p95'] / base['p95']:.2f}; "
        f"goal p95 <= {GOAL_P95_S:g} s: {'met' if load['p95'] <= GOAL_P95_S else 'MISSED'}"
    )


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    main()
