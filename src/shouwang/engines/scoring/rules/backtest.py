"""Backtest: run rules over past events and count, per rule, what they would have raised.

``outcomes`` (optional) says what became of a subject: True when confirmed (a number proven
fraudulent, a person who was indeed being defrauded), False for a false alarm; subjects absent
from it are unlabelled. Precision is confirmed / (confirmed + false alarms), over warnings.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from shouwang.engines.scoring.rules.definition import Rule
from shouwang.engines.scoring.rules.evaluator import Evaluator, Hit, Scorer


@dataclass
class RuleCounts:
    """One rule's backtest: warnings raised, distinct subjects, and outcomes where known."""

    rule_id: str
    version: int
    role: str
    warnings: int = 0
    confirmed: int = 0
    false_alarms: int = 0
    subjects: set[str] = field(default_factory=set)

    @property
    def unlabelled(self) -> int:
        return self.warnings - self.confirmed - self.false_alarms

    @property
    def precision(self) -> float | None:
        judged = self.confirmed + self.false_alarms
        return self.confirmed / judged if judged else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "version": self.version,
            "role": self.role,
            "warnings": self.warnings,
            "subjects": len(self.subjects),
            "confirmed": self.confirmed,
            "false_alarms": self.false_alarms,
            "unlabelled": self.unlabelled,
            "precision": self.precision,
        }


@dataclass
class BacktestReport:
    events: int
    rules: list[RuleCounts]
    dropped_keys: int = 0

    def for_rule(self, rule_id: str) -> RuleCounts:
        return next(counts for counts in self.rules if counts.rule_id == rule_id)


def backtest(
    rules: Sequence[Rule],
    events: Iterable[Mapping[str, Any]],
    *,
    lists: Mapping[str, Collection[str]] | None = None,
    scorer: Scorer | None = None,
    outcomes: Mapping[str, bool] | None = None,
    on_hit: Callable[[Hit], None] | None = None,
) -> BacktestReport:
    """Evaluate time-ordered ``events`` through a fresh evaluator; ``on_hit(hit)`` sees each."""
    evaluator = Evaluator(rules, lists=lists, scorer=scorer)
    counts = {
        rule.id: RuleCounts(rule.id, rule.version, rule.flag.role) for rule in evaluator.rules
    }
    known = outcomes or {}
    for event in events:
        for hit in evaluator.process(event):
            _count(counts[hit.rule_id], hit, known)
            if on_hit is not None:
                on_hit(hit)
    return BacktestReport(evaluator.count, list(counts.values()), evaluator.dropped_keys)


def _count(counts: RuleCounts, hit: Hit, outcomes: Mapping[str, bool]) -> None:
    counts.warnings += 1
    counts.subjects.add(hit.subject)
    outcome = outcomes.get(hit.subject)
    if outcome is True:
        counts.confirmed += 1
    elif outcome is False:
        counts.false_alarms += 1
