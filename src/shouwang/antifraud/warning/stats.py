"""The early-warning figures of the centre dashboard (预警劝阻), in the reader's scope: what was
raised in the period, how it ended, and what is waiting now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Count, F, Q

from shouwang.antifraud.warning.choices import Outcome, ProposalState, TaskState
from shouwang.antifraud.warning.queries import proposals_for_user, tasks_for_user

if TYPE_CHECKING:
    from shouwang.orgs.models import User


@dataclass(frozen=True)
class WarningFigures:
    tasks: int  # dissuasion tasks raised in the period
    dissuaded: int
    lost: int
    done: int
    done_in_time: int
    open_now: int
    late_now: int  # open and past their deadline
    proposals_pending: int

    @property
    def success_rate(self) -> float | None:
        """劝阻成功率: of the people found being defrauded, the share who did not pay."""
        judged = self.dissuaded + self.lost
        return round(100 * self.dissuaded / judged, 1) if judged else None

    @property
    def in_time_rate(self) -> float | None:
        """Of the outcomes recorded, the share recorded before the deadline."""
        return round(100 * self.done_in_time / self.done, 1) if self.done else None


def warning_figures(user: User, since: datetime, now: datetime) -> WarningFigures:
    tasks = tasks_for_user(user)
    period = tasks.filter(created_at__gte=since).aggregate(
        n=Count("pk"),
        dissuaded=Count("pk", filter=Q(outcome=Outcome.DISSUADED)),
        lost=Count("pk", filter=Q(outcome=Outcome.LOST)),
        done=Count("pk", filter=Q(state=TaskState.DONE)),
        in_time=Count("pk", filter=Q(state=TaskState.DONE, outcome_at__lte=F("deadline"))),
    )
    waiting = tasks.filter(state=TaskState.OPEN)
    return WarningFigures(
        tasks=period["n"],
        dissuaded=period["dissuaded"],
        lost=period["lost"],
        done=period["done"],
        done_in_time=period["in_time"],
        open_now=waiting.count(),
        late_now=waiting.filter(deadline__lt=now).count(),
        proposals_pending=proposals_for_user(user).filter(state=ProposalState.PENDING).count(),
    )
