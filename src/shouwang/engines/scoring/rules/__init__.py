"""Rules as data over an event stream: ``parse_rule(s)`` checks definitions, ``Evaluator``
processes events one at a time in bounded memory, ``backtest`` counts what rules would have
raised on past events (and how many were confirmed, when outcomes are given)."""

from shouwang.engines.scoring.rules.backtest import BacktestReport, RuleCounts, backtest
from shouwang.engines.scoring.rules.definition import (
    Problem,
    Rule,
    RuleError,
    parse_rule,
    parse_rules,
)
from shouwang.engines.scoring.rules.evaluator import Evaluator, Hit, Scorer
from shouwang.engines.scoring.rules.events import EVENT_TYPES, EventError

__all__ = [
    "EVENT_TYPES",
    "BacktestReport",
    "Evaluator",
    "EventError",
    "Hit",
    "Problem",
    "Rule",
    "RuleCounts",
    "RuleError",
    "Scorer",
    "backtest",
    "parse_rule",
    "parse_rules",
]
