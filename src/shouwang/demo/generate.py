"""The demo city generator: a fictional prefecture-level city with a year of hazards.

Deterministic: the same seed, scale and `now` give the same rows (`random.Random(seed)` is the
only source of chance, and it is consumed in a fixed order). Everything is written in one
transaction, so a failure leaves the database as it was.
"""

from __future__ import annotations

import time as clock
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from random import Random

from django.db import transaction
from django.utils import timezone

from shouwang.audit.models import AuditEvent
from shouwang.cases.models import Case, CaseTransition, Evidence
from shouwang.demo.campaigns import make_campaigns, work_time
from shouwang.demo.city import build_city
from shouwang.demo.fraud import make_fraud
from shouwang.demo.hazards import CAMPAIGN_SHARE, HAZARDS_PER_SCALE, HazardWriter
from shouwang.demo.history import History
from shouwang.demo.incidents import make_incidents
from shouwang.demo.plan import CityShape, plan_city
from shouwang.demo.rawsql import reset_sequences
from shouwang.demo.statements import make_statements
from shouwang.demo.warnings import make_warnings
from shouwang.hazards.models import Hazard
from shouwang.orgs.models import Unit, User

DEFAULT_SEED = 2026


@dataclass(frozen=True)
class DemoSummary:
    seed: int
    scale: float
    units: int
    users: int
    hazards: int
    seconds: float
    # The fraud reports with bank statements to trace (see demo/statements.py).
    traced_reports: tuple[str, ...] = ()


def demo_data_exists() -> bool:
    """Whether the database already holds units or users (then the demo is not loaded)."""
    return Unit.objects.exists() or User.objects.exists()


def load_demo(
    *,
    seed: int = DEFAULT_SEED,
    scale: float = 1.0,
    now: datetime | None = None,
    shape: CityShape | None = None,
    progress: Callable[[int, int], None] | None = None,
    incidents: bool = True,
    fraud: bool = True,
) -> DemoSummary:
    """Generate the demo city into an empty database; about 2,000 x `scale` hazards, a year of
    incidents and three months of fraud reports, a few with bank statements to trace, and two
    weeks of early warnings (incidents, and fraud with its warnings, can be left out).

    The rows are written with hand-picked ids (see `demo.rawsql`): nothing else may write
    to the database meanwhile.
    """
    if scale <= 0:
        raise ValueError("scale must be positive")
    started = clock.monotonic()
    rng = Random(seed)
    now = now or timezone.now()
    total = round(HAZARDS_PER_SCALE * scale)
    traced: list[str] = []
    with transaction.atomic():
        plan, names = plan_city(rng, shape or CityShape())
        city = build_city(plan, names, rng)
        # The city and its staff were set up before the year of hazards began.
        setup_at = work_time(timezone.localdate(now) - timedelta(days=400), rng)
        AuditEvent.objects.update(at=setup_at)
        User.objects.update(date_joined=setup_at)
        history = History()
        finds = make_campaigns(city, rng, now, history, round(total * CAMPAIGN_SHARE))
        writer = HazardWriter(city, rng, now, history)
        writer.write(writer.slots(total, finds), progress)
        # Incidents draw on their own Random: the hazards above stay as they were.
        if incidents:
            make_incidents(city, Random(seed + 1), now, scale)
        reset_sequences([Case, CaseTransition, Evidence, AuditEvent])
        # Fraud reports go through the actions (ordinary ids), after the hand-numbered rows.
        if fraud:
            make_fraud(Random(seed + 2), now, scale)
            # Statements for a few of those reports, so that fund tracing has money to follow.
            traced = make_statements(Random(seed + 3), now)
            # Two weeks of the early-warning loop, on the reports' confirmed numbers.
            make_warnings(Random(seed + 4), now)
    return DemoSummary(
        seed=seed,
        scale=scale,
        units=Unit.objects.count(),
        users=User.objects.count(),
        hazards=Hazard.objects.count(),
        seconds=clock.monotonic() - started,
        traced_reports=tuple(traced),
    )
