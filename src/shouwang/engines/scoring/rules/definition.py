"""Rules as data: a JSON object checked into typed dataclasses, with every problem's path.

A rule::

    {
      "id": "burst-of-callees", "name": "...", "version": 3, "risk": "high",
      "when": {"all": [{"field": "type", "op": "eq", "value": "call"},
                       {"field": "src", "op": "not_in_list", "value": "whitelist"}]},
      "window": {"key": "src", "measure": "distinct", "field": "dst", "minutes": 10,
                 "op": "gt", "value": 5},
      "flag": {"party": "src", "role": "block"},
      "cooldown_minutes": 60
    }

``when`` is a tree of ``all`` / ``any`` / ``not`` over leaves: a comparison of an event field
(``{"field", "op", "value"}``), list membership (ops ``in_list`` / ``not_in_list``, value the list's
name), or the model's score of the number in a field (``{"score_of": "src", "op": "ge",
"value": 0.9}``). ``window`` (optional) counts, counts distinct values of, or sums a field over
the events that passed ``when`` with the same ``key`` in the last ``minutes``; the rule fires when
that aggregate passes ``op value``. ``flag`` names the party the warning is about and whether it
is a number/account to block or a person likely being defrauded (``victim``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from shouwang.engines.scoring.errors import ScoringError

COMPARE_OPS = frozenset(
    {"eq", "ne", "gt", "ge", "lt", "le", "in", "not_in", "contains", "starts_with", "exists"}
)
LIST_OPS = frozenset({"in_list", "not_in_list"})
NUMBER_OPS = frozenset({"gt", "ge", "lt", "le"})
MEASURES = frozenset({"count", "distinct", "sum"})
ROLES = frozenset({"block", "victim"})
RISKS = ("low", "medium", "high")
MAX_WINDOW_MINUTES = 7 * 24 * 60
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


@dataclass(frozen=True)
class Problem:
    """``path`` to the bad part (``when.all[1].op``), ``code`` for translation, ``detail``."""

    path: str
    code: str
    detail: str = ""


class RuleError(ScoringError):
    """A rule definition is invalid; ``problems`` lists every problem found, each with its path."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(f"{p.path or '<rule>'}: {p.code} {p.detail}" for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class Compare:
    field: str
    op: str
    value: Any


@dataclass(frozen=True)
class InList:
    field: str
    list_name: str
    negate: bool


@dataclass(frozen=True)
class ScoreOf:
    field: str
    op: str
    value: float


@dataclass(frozen=True)
class AllOf:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class AnyOf:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class Not:
    item: Condition


Condition = Compare | InList | ScoreOf | AllOf | AnyOf | Not


@dataclass(frozen=True)
class Window:
    key: str
    measure: str
    field: str | None
    minutes: float
    op: str
    value: float


@dataclass(frozen=True)
class Flag:
    party: str
    role: str


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    version: int
    when: Condition
    flag: Flag
    risk: str
    window: Window | None = None
    cooldown_minutes: float = 0.0
    enabled: bool = True

    def lists(self) -> set[str]:
        return {c.list_name for c in _leaves(self.when) if isinstance(c, InList)}

    def list_fields(self) -> set[tuple[str, str]]:
        """(list, event field) of each membership test: which values a list is asked about."""
        return {(c.list_name, c.field) for c in _leaves(self.when) if isinstance(c, InList)}

    def uses_model(self) -> bool:
        return bool(self.score_fields())

    def score_fields(self) -> set[str]:
        """The event fields whose numbers the rule asks the model about."""
        return {c.field for c in _leaves(self.when) if isinstance(c, ScoreOf)}


def _leaves(condition: Condition) -> Iterator[Compare | InList | ScoreOf]:
    match condition:
        case AllOf(items=items) | AnyOf(items=items):
            for item in items:
                yield from _leaves(item)
        case Not(item=item):
            yield from _leaves(item)
        case _:
            yield condition


class _Checker:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def fail(self, path: str, code: str, detail: str = "") -> None:
        self.problems.append(Problem(path, code, detail))

    def keys(
        self, data: Mapping[str, Any], path: str, required: set[str], allowed: set[str]
    ) -> bool:
        ok = True
        for key in sorted(required - data.keys()):
            self.fail(_join(path, key), "required")
            ok = False
        for key in sorted(data.keys() - allowed):
            self.fail(_join(path, str(key)), "unknown_key")
        return ok

    def text(self, value: Any, path: str) -> str:
        if not isinstance(value, str) or not value.strip():
            self.fail(path, "not_text", repr(value))
            return ""
        return value

    def number(self, value: Any, path: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(path, "not_number", repr(value))
            return 0.0
        return float(value)

    def choice(self, value: Any, path: str, allowed: frozenset[str] | tuple[str, ...]) -> str:
        if value not in allowed:
            self.fail(path, "not_allowed", f"{value!r}; one of {', '.join(sorted(allowed))}")
            return ""
        return str(value)

    def condition(self, data: Any, path: str) -> Condition:
        if not isinstance(data, Mapping):
            self.fail(path, "not_object", repr(data))
            return AllOf(())
        for combinator in ("all", "any"):
            if combinator in data:
                self.keys(data, path, {combinator}, {combinator})
                items = data[combinator]
                if not isinstance(items, list) or not items:
                    self.fail(_join(path, combinator), "not_list", "a non-empty list")
                    return AllOf(())
                checked = tuple(
                    self.condition(item, f"{_join(path, combinator)}[{i}]")
                    for i, item in enumerate(items)
                )
                return AllOf(checked) if combinator == "all" else AnyOf(checked)
        if "not" in data:
            self.keys(data, path, {"not"}, {"not"})
            return Not(self.condition(data["not"], _join(path, "not")))
        if "score_of" in data:
            self.keys(data, path, {"score_of", "op", "value"}, {"score_of", "op", "value"})
            return ScoreOf(
                self.text(data.get("score_of"), _join(path, "score_of")),
                self.choice(data.get("op"), _join(path, "op"), NUMBER_OPS),
                self.number(data.get("value"), _join(path, "value")),
            )
        if "field" not in data:
            self.fail(path, "not_condition", "needs all, any, not, field or score_of")
            return AllOf(())
        self.keys(data, path, {"field", "op"}, {"field", "op", "value"})
        field = self.text(data.get("field"), _join(path, "field"))
        op = self.choice(data.get("op"), _join(path, "op"), COMPARE_OPS | LIST_OPS)
        value = data.get("value")
        value_path = _join(path, "value")
        if op in LIST_OPS:
            return InList(field, self.text(value, value_path), op == "not_in_list")
        if op in NUMBER_OPS:
            value = self.number(value, value_path)
        elif op in ("in", "not_in"):
            hashable = isinstance(value, list) and all(
                isinstance(item, str | int | float | bool) for item in value
            )
            if not hashable or not value:
                self.fail(value_path, "not_list", "a non-empty list of texts or numbers")
            else:
                value = frozenset(value)
        elif op in ("contains", "starts_with"):
            self.text(value, value_path)
        elif op in ("eq", "ne") and "value" not in data:
            self.fail(value_path, "required")
        elif op == "exists" and "value" in data:
            self.fail(value_path, "unknown_key")
        return Compare(field, op, value)

    def window(self, data: Any, path: str) -> Window | None:
        if not isinstance(data, Mapping):
            self.fail(path, "not_object", repr(data))
            return None
        fields = {"key", "measure", "field", "minutes", "op", "value"}
        self.keys(data, path, fields - {"field"}, fields)
        measure = self.choice(data.get("measure"), _join(path, "measure"), MEASURES)
        field = data.get("field")
        if measure in ("distinct", "sum"):
            field = self.text(field, _join(path, "field"))
        elif field is not None:
            self.fail(_join(path, "field"), "unknown_key", "count takes no field")
        minutes = self.number(data.get("minutes"), _join(path, "minutes"))
        if not 0 < minutes <= MAX_WINDOW_MINUTES:
            self.fail(
                _join(path, "minutes"), "out_of_range", f"0 < minutes <= {MAX_WINDOW_MINUTES}"
            )
        return Window(
            self.text(data.get("key"), _join(path, "key")),
            measure,
            field,
            minutes,
            self.choice(data.get("op"), _join(path, "op"), frozenset({"gt", "ge"})),
            self.number(data.get("value"), _join(path, "value")),
        )


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


_TOP = {"id", "name", "version", "when", "window", "flag", "risk", "cooldown_minutes", "enabled"}


def parse_rule(data: Any) -> Rule:
    """Check a rule definition; raise ``RuleError`` listing every problem with its path."""
    check = _Checker()
    if not isinstance(data, Mapping):
        raise RuleError([Problem("", "not_object", repr(data)[:80])])
    check.keys(data, "", {"id", "name", "version", "when", "flag", "risk"}, _TOP)
    rule_id = data.get("id")
    if not isinstance(rule_id, str) or not _ID.match(rule_id):
        check.fail("id", "bad_id", "letters, digits, _ . - (at most 64)")
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        check.fail("version", "out_of_range", "an integer >= 1")
    when = check.condition(data.get("when"), "when") if "when" in data else AllOf(())
    window = check.window(data["window"], "window") if data.get("window") is not None else None
    flag_data = data.get("flag")
    flag = Flag("", "")
    if isinstance(flag_data, Mapping):
        check.keys(flag_data, "flag", {"party", "role"}, {"party", "role"})
        flag = Flag(
            check.text(flag_data.get("party"), "flag.party"),
            check.choice(flag_data.get("role"), "flag.role", ROLES),
        )
    elif "flag" in data:
        check.fail("flag", "not_object", repr(flag_data))
    cooldown = data.get("cooldown_minutes", 0)
    if check.number(cooldown, "cooldown_minutes") < 0:
        check.fail("cooldown_minutes", "out_of_range", ">= 0")
    enabled = data.get("enabled", True)
    if not isinstance(enabled, bool):
        check.fail("enabled", "not_boolean", repr(enabled))
    risk = check.choice(data.get("risk"), "risk", RISKS) if "risk" in data else ""
    name = check.text(data.get("name"), "name") if "name" in data else ""
    if check.problems:
        raise RuleError(check.problems)
    return Rule(
        id=str(rule_id),
        name=name,
        version=int(version),  # type: ignore[arg-type]
        when=when,
        flag=flag,
        risk=risk,
        window=window,
        cooldown_minutes=float(cooldown),
        enabled=bool(enabled),
    )


def parse_rules(data: Any) -> list[Rule]:
    """A list of rules; problems carry the rule's position (``[2].window.minutes``) and ids must
    be unique."""
    if not isinstance(data, list):
        raise RuleError([Problem("", "not_list", "a list of rules")])
    rules: list[Rule] = []
    problems: list[Problem] = []
    for i, item in enumerate(data):
        try:
            rules.append(parse_rule(item))
        except RuleError as exc:
            problems += [
                Problem(f"[{i}].{p.path}" if p.path else f"[{i}]", p.code, p.detail)
                for p in exc.problems
            ]
    seen: set[str] = set()
    for i, item in enumerate(data):
        rule_id = item.get("id") if isinstance(item, Mapping) else None
        if isinstance(rule_id, str) and rule_id in seen:
            problems.append(Problem(f"[{i}].id", "duplicate_id", rule_id))
        if isinstance(rule_id, str):
            seen.add(rule_id)
    if problems:
        raise RuleError(problems)
    return rules
