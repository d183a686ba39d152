"""Running stored events through rules with the engine's evaluator, for live evaluation of a
new batch and for backtests. The platform keeps no evaluator between batches: a batch is
evaluated after replaying the stored events of the longest window before it, with each rule's
cooldowns started from its stored last warnings (`CooldownMark`), so windows and cooldowns span
batches exactly as if one evaluator had seen the whole stream."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from shouwang.antifraud.models import Indicator
from shouwang.antifraud.normalise import feed_spellings, stored_spellings
from shouwang.antifraud.warning.models import (
    CooldownMark,
    NumberScore,
    RuleVersion,
    WarningEvent,
    WarningRule,
)
from shouwang.engines.scoring.rules import Evaluator, Hit, Rule, parse_rule
from shouwang.orgs.models import Unit

# Lists a rule may name with in_list / not_in_list.
LIST_BLOCKLIST = "blocklist"  # indicators the centre confirmed as fraud
LIST_FLAGGED = "model_flagged"  # numbers the model scored above its threshold
LISTS = (LIST_BLOCKLIST, LIST_FLAGGED)


def platform_lists(
    names: Iterable[str] = LISTS, *, among: Collection[str] | None = None
) -> dict[str, set[str]]:
    """The members of the named platform lists (names that are not platform lists are left out,
    so a rule naming one gets the evaluator's "unknown list" error). With ``among``, only the
    members among those values: a batch asks only about the values its events hold, so it
    reads a few rows by index instead of a city's whole blocklist (tens of thousands of rows
    a batch, `bench/warning_ingest.py`; a province's is millions)."""
    wanted = set(names) & set(LISTS)
    values = None if among is None else {v for v in among if v}
    lists: dict[str, set[str]] = {}
    if LIST_BLOCKLIST in wanted:
        lists[LIST_BLOCKLIST] = _blocklist(values)
    if LIST_FLAGGED in wanted:
        flagged = NumberScore.objects.filter(flagged=True)
        if values is not None:
            flagged = flagged.filter(value__in_many=values)
        lists[LIST_FLAGGED] = set(flagged.values_list("value", flat=True))
    return lists


def _blocklist(values: set[str] | None) -> set[str]:
    """Confirmed indicators; a Chinese phone also as carriers write it (no +86), because events
    arrive as the feed wrote them."""
    confirmed = Indicator.objects.filter(confirmed_at__isnull=False)
    if values is None:
        stored = confirmed.values_list("value", flat=True)
        return set().union(*(feed_spellings(v) for v in stored))
    spellings = {s for v in values for s in stored_spellings(v)}
    found = confirmed.filter(value__in_many=spellings).values_list("value", flat=True)
    return values & set().union(*(feed_spellings(v) for v in found))


def has_model() -> bool:
    return NumberScore.objects.exists()


class StoredScorer:
    """The engine's Scorer over the imported scores: probabilities read ahead for a replay,
    others one query per number, remembered."""

    def __init__(self) -> None:
        self.probabilities: dict[str, float | None] = {}
        self.rows: dict[str, NumberScore | None] = {}

    def preload(self, numbers: Iterable[str]) -> None:
        """Read the probabilities of ``numbers`` in a few queries, before a replay asks for
        them one by one: a replay looks up thousands of numbers, and one SELECT each was most
        of a batch's time (`bench/warning_ingest.py`)."""
        wanted = {n for n in numbers if n and n not in self.probabilities}
        if not wanted:
            return
        found = dict(
            NumberScore.objects.filter(value__in_many=wanted).values_list("value", "probability")
        )
        for number in wanted:
            self.probabilities[number] = found.get(number)

    def row(self, number: str) -> NumberScore | None:
        """The whole stored score (version, reasons), for the few numbers a warning shows."""
        if number not in self.rows:
            self.rows[number] = NumberScore.objects.filter(value=number).first()
        return self.rows[number]

    def __call__(self, number: str) -> float | None:
        if number not in self.probabilities:
            row = self.row(number)
            self.probabilities[number] = row.probability if row is not None else None
        return self.probabilities[number]


def as_engine_event(event: WarningEvent) -> dict[str, Any]:
    return {**event.data, "type": event.type, "time": event.time.timestamp()}


def parsed(versions: Sequence[RuleVersion]) -> list[Rule]:
    return [parse_rule({**v.definition, "enabled": True}) for v in versions]


def lookback(rules: Sequence[Rule]) -> timedelta:
    """How far back a batch replays: the longest window. Cooldowns start from the stored marks
    (`CooldownMark`), not from a replay of the hits that began them."""
    minutes = max((r.window.minutes if r.window else 0.0 for r in rules), default=0.0)
    return timedelta(minutes=minutes)


def _seed_cooldowns(evaluator: Evaluator, versions: Sequence[RuleVersion], since: datetime) -> None:
    """Each rule's last warning per subject still within its cooldown at ``since``, oldest
    first (the cooldown state expires from its front)."""
    rule_ids = {v.rule_id: v.rule.rule_id for v in versions}
    minutes = {r.id: r.cooldown_minutes for r in evaluator.rules}
    longest = max(minutes.values(), default=0.0)
    if longest <= 0:
        return
    marks = CooldownMark.objects.filter(
        rule_id__in=list(rule_ids), at__gt=since - timedelta(minutes=longest)
    ).order_by("at", "pk")
    for mark in marks:
        rule_id = rule_ids[mark.rule_id]
        width = minutes.get(rule_id, 0.0)
        if width > 0 and mark.at > since - timedelta(minutes=width):
            evaluator.cooldowns[rule_id].last[mark.subject] = mark.at.timestamp()


def _store_cooldowns(raised: Sequence[Raised]) -> None:
    """The batch's warnings as the new cooldown starts (one upsert)."""
    latest: dict[tuple[int, str], float] = {}
    for r in raised:
        if r.version.definition.get("cooldown_minutes") and len(r.hit.subject) <= 128:
            key = (r.version.rule_id, r.hit.subject)
            latest[key] = max(latest.get(key, r.hit.time), r.hit.time)
    if latest:
        CooldownMark.objects.bulk_create(
            [
                CooldownMark(rule_id=rule, subject=subject, at=datetime.fromtimestamp(t, UTC))
                for (rule, subject), t in latest.items()
            ],
            update_conflicts=True,
            unique_fields=["rule", "subject"],
            update_fields=["at"],
        )


@dataclass(frozen=True)
class Raised:
    """A hit and the stored event that caused it."""

    hit: Hit
    event: WarningEvent
    version: RuleVersion


def evaluator_for(
    rules: Sequence[Rule], scorer: StoredScorer, *, among: Collection[str] | None = None
) -> Evaluator:
    """An evaluator with the lists the rules name (with ``among``, only their members among
    those values) and the scorer if a rule reads the model."""
    needs_model = any(rule.uses_model() for rule in rules)
    lists = platform_lists(set().union(*(rule.lists() for rule in rules)), among=among)
    return Evaluator(rules, lists=lists, scorer=scorer if needs_model else None)


def _values(events: Sequence[WarningEvent], fields: Collection[str]) -> set[str]:
    """The text values ``events`` hold in ``fields``, as the engine will see them (the
    event's fields and its type: `as_engine_event`)."""
    found: set[str] = set()
    for event in events:
        for f in fields:
            value = event.type if f == "type" else event.data.get(f)
            if isinstance(value, str) and value:
                found.add(value)
    return found


def events_between(since: datetime, until: datetime, *, within: Unit) -> Iterator[WarningEvent]:
    """The stored events of [since, until] that the units of ``within``'s subtree received: the
    events a rule of that unit sees."""
    return (
        WarningEvent.objects.filter(
            time__gte=since, time__lte=until, unit__path__startswith=within.path
        )
        .order_by("time", "id")
        .iterator(chunk_size=2000)
    )


def versions_for_batch(unit: Unit) -> list[RuleVersion]:
    """The active versions of the rules that apply to a batch received by ``unit``: those of the
    unit and of the units above it (a province's rule covers its cities' feeds)."""
    return list(
        RuleVersion.objects.select_related("rule__unit")
        .filter(rule__unit__in=unit.ancestors())
        .filter(pk__in=WarningRule.objects.values("active_version_id"))
        .order_by("rule__unit__path", "rule__rule_id")
    )


def evaluate_batch(
    versions: Sequence[RuleVersion], batch: Sequence[WarningEvent], scorer: StoredScorer
) -> list[Raised]:
    """Hits that the events of ``batch`` raise under ``versions``, with the stored history.
    Each unit's rules replay the history of that unit's subtree only, so a province's counts
    span its cities while a city's stay its own; rule ids are unique within a unit.

    ``versions`` are those of one line of units, each above the next (`versions_for_batch`):
    the history is read once, for the top unit and the longest window, and each unit's rules
    replay their part of it."""
    if not versions or not batch:
        return []
    by_unit: dict[int, list[RuleVersion]] = {}
    for version in versions:
        by_unit.setdefault(version.rule.unit_id, []).append(version)
    groups = [(group, parsed(group)) for group in by_unit.values()]
    first = min(e.time for e in batch)
    top = min((group[0].rule.unit for group in by_unit.values()), key=lambda u: len(u.path))
    since = first - max(lookback(rules) for _group, rules in groups)
    history = list(events_between(since, max(e.time for e in batch), within=top))
    paths = (
        dict(Unit.objects.filter(pk__in={e.unit_id for e in history}).values_list("pk", "path"))
        if len(groups) > 1
        else {}
    )
    raised: list[Raised] = []
    for group, rules in groups:
        unit = group[0].rule.unit
        if not unit.path.startswith(top.path):
            raise ValueError("the rules' units must lie on one line from the top unit down")
        start = first - lookback(rules)
        mine = [
            e
            for e in history
            if e.time >= start and (unit == top or paths[e.unit_id].startswith(unit.path))
        ]
        raised += _evaluate_group(group, rules, batch, mine, start, scorer)
    return sorted(raised, key=lambda r: (r.event.time, r.event.pk))


def _evaluate_group(
    versions: Sequence[RuleVersion],
    rules: Sequence[Rule],
    batch: Sequence[WarningEvent],
    replayed: Sequence[WarningEvent],
    since: datetime,
    scorer: StoredScorer,
) -> list[Raised]:
    by_id = {v.rule.rule_id: v for v in versions}
    fresh = {e.pk for e in batch}
    # Only the values these events put to a list or to the model are read from the database.
    list_fields = {f for rule in rules for _name, f in rule.list_fields()}
    evaluator = evaluator_for(rules, scorer, among=_values(replayed, list_fields))
    _seed_cooldowns(evaluator, versions, since)
    if any(rule.uses_model() for rule in rules):
        scorer.preload(_values(replayed, set().union(*(r.score_fields() for r in rules))))
    raised: list[Raised] = []
    for event in replayed:
        hits = evaluator.process(as_engine_event(event))
        if event.pk in fresh:
            raised += [Raised(hit, event, by_id[hit.rule_id]) for hit in hits]
    _store_cooldowns(raised)
    return raised
