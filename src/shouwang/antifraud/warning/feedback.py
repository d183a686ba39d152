"""Outcomes fed back: what became of each warning, as the backtest's labels and as measured
precision per rule version and per model version. A task's outcome judges the person warned
(dissuaded or already lost: confirmed; false alarm: not; unreachable: unknown); an analyst's
decision judges a block proposal (approved: confirmed; rejected: not)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from shouwang.antifraud.models import Indicator
from shouwang.antifraud.warning.choices import OUTCOME_CONFIRMS, ProposalState, TaskState
from shouwang.antifraud.warning.models import BlockProposal, WarningTask

if TYPE_CHECKING:
    from django.db.models import QuerySet


def known_outcomes() -> dict[str, bool]:
    """Subject -> confirmed, from every judged task and proposal and the confirmed blocklist.
    A subject judged both ways counts as confirmed: one real fraud is what matters."""
    known: dict[str, bool] = {}
    for phone, outcome in WarningTask.objects.filter(state=TaskState.DONE).values_list(
        "person_phone", "outcome"
    ):
        verdict = OUTCOME_CONFIRMS.get(outcome)
        if verdict is not None:
            known[phone] = known.get(phone, False) or verdict
    decided = BlockProposal.objects.exclude(state=ProposalState.PENDING)
    for value, state in decided.values_list("value", "state"):
        known[value] = known.get(value, False) or state == ProposalState.APPROVED
    for value in Indicator.objects.filter(confirmed_at__isnull=False).values_list(
        "value", flat=True
    ):
        known[value] = True
    return known


@dataclass
class Precision:
    label: str
    warnings: int = 0
    confirmed: int = 0
    false_alarms: int = 0

    @property
    def pending(self) -> int:
        return self.warnings - self.confirmed - self.false_alarms

    @property
    def precision(self) -> float | None:
        judged = self.confirmed + self.false_alarms
        return self.confirmed / judged if judged else None


def _tally(
    tasks: QuerySet[WarningTask], proposals: QuerySet[BlockProposal], key: str
) -> list[Precision]:
    rows: dict[str, Precision] = defaultdict(lambda: Precision(""))
    for label, outcome in tasks.values_list(key, "outcome"):
        row = rows[str(label)]
        row.warnings += 1
        verdict = OUTCOME_CONFIRMS.get(outcome) if outcome else None
        row.confirmed += verdict is True
        row.false_alarms += verdict is False
    for label, state in proposals.values_list(key, "state"):
        row = rows[str(label)]
        row.warnings += 1
        row.confirmed += state == ProposalState.APPROVED
        row.false_alarms += state == ProposalState.REJECTED
    for label, row in rows.items():
        row.label = label
    return sorted(rows.values(), key=lambda r: r.label)


def by_rule_version(
    tasks: QuerySet[WarningTask], proposals: QuerySet[BlockProposal]
) -> list[Precision]:
    """Keyed ``<rule id> v<version>``."""
    tasks = tasks.select_related(None)
    rows = _tally(tasks, proposals, "rule_version")
    from shouwang.antifraud.warning.models import RuleVersion

    names = {
        str(v.pk): str(v)
        for v in RuleVersion.objects.select_related("rule").filter(
            pk__in=[int(r.label) for r in rows]
        )
    }
    for row in rows:
        row.label = names.get(row.label, row.label)
    return sorted(rows, key=lambda r: r.label)


def by_model_version(
    tasks: QuerySet[WarningTask], proposals: QuerySet[BlockProposal]
) -> list[Precision]:
    """Warnings where the model had scored the suspect number, per model version."""
    return _tally(
        tasks.exclude(model_version=""), proposals.exclude(model_version=""), "model_version"
    )
