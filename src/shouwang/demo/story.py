"""What happens to one hazard in the demo year, as a list of timed steps.

The steps follow the lifecycle engine's rules (`cases.actions`): registered, graded (the
grade sets the deadline from the SLA table), assigned, rectified with an "after" photo,
submitted, verified by someone other than the one who did the work (sometimes rejected
first), or cancelled; and escalated one level up the unit tree for every `escalate_every`
hours a graded case stays open past its deadline, as the overdue scan does every few minutes.
Nothing after `now` happens.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from random import Random

from shouwang.cases.choices import CaseAction
from shouwang.orgs.models import User

MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)

# Median days to rectify, per grade, about half the grade's deadline; log-normal around them
# (σ 0.5); with the time to verify, about one case in five runs past its deadline.
RECTIFY_MEDIAN_DAYS = {"general": 3.5, "significant": 7.0, "major": 14.0}
RECTIFY_SIGMA = 0.5
# The overdue scan runs every few minutes (settings.OVERDUE_SCAN_SECONDS, 300 by default).
SCAN_LAG_SECONDS = 300


@dataclass(slots=True)
class Step:
    at: datetime
    action: str  # a CaseAction value
    actor: User | None = None
    note: str = ""
    stage: str = ""  # evidence only
    level: int = 0  # escalation only


@dataclass(frozen=True)
class Cast:
    """Who does what to this hazard."""

    registrar: User
    chief: User
    submitter: User
    verifiers: tuple[User, ...]


@dataclass(frozen=True)
class Plot:
    """The random choices that shape one hazard's life (drawn before the steps)."""

    photo_before: bool
    grade: str
    grade_delay: timedelta
    assign_delay: timedelta
    stalled: bool
    rectify: timedelta
    rejected: bool
    cancel_after: timedelta | None
    submit_note: str
    reject_note: str
    verify_note: str
    cancel_reason: str


def lognormal(rng: Random, median: timedelta, sigma: float) -> timedelta:
    return median * math.exp(rng.gauss(0.0, sigma))


def exponential(rng: Random, mean: timedelta) -> timedelta:
    return mean * rng.expovariate(1.0)


def steps_of(
    plot: Plot,
    cast: Cast,
    *,
    created_at: datetime,
    sla: tuple[int, int],
    escalation_levels: int,
    now: datetime,
    rng: Random,
) -> tuple[list[Step], datetime | None]:
    """The steps up to `now`, in time order, and the deadline (if the hazard was graded)."""
    steps = [Step(created_at, CaseAction.REGISTER, cast.registrar)]
    if plot.photo_before:
        at = created_at + timedelta(seconds=rng.randint(20, 120))
        steps.append(Step(at, CaseAction.EVIDENCE, cast.registrar, stage="before"))
    graded_at = created_at + plot.grade_delay
    deadline = graded_at + timedelta(hours=sla[0])
    steps.append(Step(graded_at, CaseAction.GRADE, cast.chief))
    assigned_at = graded_at + plot.assign_delay
    steps.append(Step(assigned_at, CaseAction.ASSIGN, cast.chief))
    if not plot.stalled:
        submitted_at = assigned_at + plot.rectify
        _submit(steps, cast, submitted_at, plot.submit_note, rng)
        verified_at = submitted_at + HOUR + exponential(rng, 18 * HOUR)
        if plot.rejected:
            steps.append(Step(verified_at, CaseAction.REJECT, cast.verifiers[0], plot.reject_note))
            again = verified_at + lognormal(rng, 2 * DAY, 0.6)
            _submit(steps, cast, again, plot.submit_note, rng)
            verified_at = again + HOUR + exponential(rng, DAY)
        steps.append(Step(verified_at, CaseAction.VERIFY, cast.verifiers[-1], plot.verify_note))
    if plot.cancel_after is not None:
        cancelled_at = created_at + plot.cancel_after
        kept = [s for s in steps if s.at < cancelled_at]
        if kept[-1].action != CaseAction.VERIFY:
            steps = [*kept, Step(cancelled_at, CaseAction.CANCEL, cast.chief, plot.cancel_reason)]
    steps = [s for s in steps if s.at <= now]
    if not any(s.action == CaseAction.GRADE for s in steps):
        return steps, None
    ended = steps[-1] if steps[-1].action in (CaseAction.VERIFY, CaseAction.CANCEL) else None
    steps.extend(_escalations(deadline, sla[1], escalation_levels, ended, now, rng))
    steps.sort(key=lambda s: s.at)
    return steps, deadline


def _submit(steps: list[Step], cast: Cast, at: datetime, note: str, rng: Random) -> None:
    photo_at = max(steps[-1].at + MINUTE, at - timedelta(minutes=rng.randint(5, 40)))
    steps.append(
        Step(min(photo_at, at - MINUTE), CaseAction.EVIDENCE, cast.submitter, stage="after")
    )
    steps.append(Step(at, CaseAction.SUBMIT, cast.submitter, note))


def _escalations(
    deadline: datetime,
    every_hours: int,
    levels: int,
    ended: Step | None,
    now: datetime,
    rng: Random,
) -> list[Step]:
    """Escalation k happens at the first scan after deadline + (k-1) x every, while the case
    is still open; open cases at `now` have every level the scan would give them now."""
    found: list[Step] = []
    end = ended.at if ended else now
    for level in range(1, max(levels, 1) + 1):
        due = deadline + timedelta(hours=(level - 1) * max(every_hours, 1))
        if due >= end:
            break
        at = due + timedelta(seconds=rng.uniform(0, SCAN_LAG_SECONDS))
        if ended is not None and at >= end:
            break
        found.append(Step(min(at, now), CaseAction.ESCALATE, None, level=level))
    return found
