"""Evaluating rules over an event stream, one event at a time, in bounded memory.

Window state is kept per rule and per key value, holding only the events of the last window
(older ones are dropped as time moves on). Keys are kept in order of last use, so a key silent
for a whole window is dropped from the front in O(1); beyond ``max_keys`` per rule the least
recently used key is dropped too (counted in ``dropped_keys``: a burst over that many distinct
keys inside one window would be under-counted, and the count says so). Events must arrive in
time order (equal times are fine): a window needs to know what has expired.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from shouwang.engines.scoring.rules.definition import (
    AllOf,
    AnyOf,
    Compare,
    Condition,
    InList,
    Not,
    Problem,
    Rule,
    RuleError,
    ScoreOf,
    Window,
)
from shouwang.engines.scoring.rules.events import EventError, event_seconds

Scorer = Callable[[str], float | None]
"""The model's fraud probability of a number, or None when the model does not know it."""


@dataclass(frozen=True)
class Hit:
    """A rule fired: ``subject`` (the flagged party's value) is a number or account to block
    (role ``block``) or a person likely being defrauded now (role ``victim``)."""

    rule_id: str
    rule_version: int
    subject: str
    role: str
    risk: str
    time: float
    event_index: int
    aggregate: float | None = None
    score: float | None = None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _compare_number(left: float, op: str, right: float) -> bool:
    if op == "gt":
        return left > right
    if op == "ge":
        return left >= right
    if op == "lt":
        return left < right
    return left <= right


def _compare(condition: Compare, event: Mapping[str, Any]) -> bool:
    value = event.get(condition.field)
    op = condition.op
    if value is None:
        return False  # comparisons on a missing field are false; wrap in "not" for the opposite
    if op == "exists":
        return True
    if op == "eq":
        return bool(value == condition.value)
    if op == "ne":
        return bool(value != condition.value)
    if op in ("in", "not_in"):
        try:
            inside = value in condition.value
        except TypeError:
            inside = False
        return inside if op == "in" else not inside
    if op == "contains":
        if isinstance(value, str):
            return condition.value in value
        return isinstance(value, list | tuple | set | frozenset) and condition.value in value
    if op == "starts_with":
        return isinstance(value, str) and value.startswith(condition.value)
    number = _number(value)
    return number is not None and _compare_number(number, op, condition.value)


class _Series:
    """One key's events inside the window: times, values, a running sum, value counts."""

    __slots__ = ("counts", "entries", "last", "total")

    def __init__(self) -> None:
        self.entries: deque[tuple[float, Any]] = deque()
        self.total = 0.0
        self.counts: dict[Any, int] = {}
        self.last = 0.0

    def expire(self, horizon: float, measure: str) -> None:
        while self.entries and self.entries[0][0] <= horizon:
            _, value = self.entries.popleft()
            if measure == "sum":
                self.total -= value
            elif measure == "distinct":
                left = self.counts[value] - 1
                if left:
                    self.counts[value] = left
                else:
                    del self.counts[value]

    def add(self, time: float, value: Any, measure: str) -> float:
        self.entries.append((time, value))
        self.last = time
        if measure == "sum":
            self.total += value
            return self.total
        if measure == "distinct":
            self.counts[value] = self.counts.get(value, 0) + 1
            return float(len(self.counts))
        return float(len(self.entries))


class _WindowState:
    def __init__(self, window: Window, max_keys: int) -> None:
        self.window = window
        self.width = window.minutes * 60.0
        self.max_keys = max_keys
        self.keys: OrderedDict[Any, _Series] = OrderedDict()
        self.dropped_keys = 0

    def add(self, key: Any, time: float, value: Any) -> float:
        horizon = time - self.width
        keys = self.keys
        while keys:
            first = next(iter(keys.values()))
            if first.last > horizon:
                break
            keys.popitem(last=False)
        series = keys.get(key)
        if series is None:
            series = keys[key] = _Series()
            if len(keys) > self.max_keys:
                keys.popitem(last=False)
                self.dropped_keys += 1
        else:
            keys.move_to_end(key)
            series.expire(horizon, self.window.measure)
        return series.add(time, value, self.window.measure)


class _Cooldown:
    def __init__(self, minutes: float) -> None:
        self.width = minutes * 60.0
        self.last: OrderedDict[str, float] = OrderedDict()

    def allows(self, subject: str, time: float) -> bool:
        if self.width <= 0:
            return True
        horizon = time - self.width
        while self.last and next(iter(self.last.values())) <= horizon:
            self.last.popitem(last=False)
        if subject in self.last:
            return False
        self.last[subject] = time
        return True


class Evaluator:
    """Feed events with ``process``; each call returns the hits that event caused."""

    def __init__(
        self,
        rules: Sequence[Rule],
        *,
        lists: Mapping[str, Collection[str]] | None = None,
        scorer: Scorer | None = None,
        max_keys: int = 100_000,
    ) -> None:
        self.lists = {name: frozenset(members) for name, members in (lists or {}).items()}
        problems = []
        for i, rule in enumerate(rules):
            for name in sorted(rule.lists() - self.lists.keys()):
                problems.append(Problem(f"[{i}].when", "unknown_list", name))
            if scorer is None and rule.uses_model():
                problems.append(Problem(f"[{i}].when", "needs_model"))
        if problems:
            raise RuleError(problems)
        self.rules = [rule for rule in rules if rule.enabled]
        self.scorer = scorer
        self.windows = {
            rule.id: _WindowState(rule.window, max_keys) for rule in self.rules if rule.window
        }
        self.cooldowns = {rule.id: _Cooldown(rule.cooldown_minutes) for rule in self.rules}
        self.latest = float("-inf")
        self.count = 0
        self._scores: dict[str, float | None] = {}

    @property
    def dropped_keys(self) -> int:
        return sum(state.dropped_keys for state in self.windows.values())

    def _score(self, number: Any) -> float | None:
        if not isinstance(number, str) or self.scorer is None:
            return None
        if number not in self._scores:
            self._scores[number] = self.scorer(number)
        return self._scores[number]

    def _holds(self, condition: Condition, event: Mapping[str, Any]) -> bool:
        match condition:
            case Compare():
                return _compare(condition, event)
            case InList(field=field, list_name=name, negate=negate):
                value = event.get(field)
                inside = isinstance(value, str) and value in self.lists[name]
                return inside != negate
            case ScoreOf(field=field, op=op, value=value):
                score = self._score(event.get(field))
                return score is not None and _compare_number(score, op, value)
            case AllOf(items=items):
                return all(self._holds(item, event) for item in items)
            case AnyOf(items=items):
                return any(self._holds(item, event) for item in items)
            case Not(item=item):
                return not self._holds(item, event)
        raise TypeError(condition)

    def _aggregate(self, rule: Rule, event: Mapping[str, Any], time: float) -> float | None:
        window = rule.window
        assert window is not None
        key = event.get(window.key)
        if key is None:
            return None
        value: Any = None
        if window.measure == "sum":
            value = _number(event.get(window.field or ""))
            if value is None:
                return None
        elif window.measure == "distinct":
            value = event.get(window.field or "")
            if value is None:
                return None
        return self.windows[rule.id].add(key, time, value)

    def process(self, event: Mapping[str, Any]) -> list[Hit]:
        index = self.count
        time = event_seconds(event, index)
        if time < self.latest:
            raise EventError("out_of_order", index, "time", repr(event.get("time")))
        self.latest = time
        self.count += 1
        self._scores = {}
        hits: list[Hit] = []
        for rule in self.rules:
            if not self._holds(rule.when, event):
                continue
            aggregate = None
            if rule.window is not None:
                aggregate = self._aggregate(rule, event, time)
                if aggregate is None or not _compare_number(
                    aggregate, rule.window.op, rule.window.value
                ):
                    continue
            subject = event.get(rule.flag.party)
            if subject is None or not self.cooldowns[rule.id].allows(str(subject), time):
                continue
            hits.append(
                Hit(
                    rule.id,
                    rule.version,
                    str(subject),
                    rule.flag.role,
                    rule.risk,
                    time,
                    index,
                    aggregate,
                    self._scores.get(str(subject)),
                )
            )
        return hits
