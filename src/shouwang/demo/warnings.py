"""Two weeks of the early-warning loop (预警劝阻) for the demo city, run through the warning
actions so that every row is what the platform itself writes, then moved back to its time.

The story: a carrier feed has been arriving for two weeks. A fraud-number model, trained with
the scoring engine on generated carrier records of the city's numbers, scored the numbers the
centre does not know yet. A week ago the analyst wrote five rules, backtested them on the first
week (the burst rule twice: its first threshold also caught couriers) and switched them on.
Since then each day's events raised dissuasion tasks for the grids' officers, who recorded
outcomes, and block proposals, which the analyst decided. The last two hours' events are still
open work: tasks with minutes left and proposals waiting.

Couriers (快递员) call many people briefly, as fraud numbers do: the model flags them, and the
officers record those warnings as false alarms, so precision per rule and per model version has
something honest to show.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from random import Random
from typing import Any

import h3
import numpy as np
from django.db.models import F, Q
from django.utils import timezone

from shouwang.antifraud.actions import do_answer_request
from shouwang.antifraud.choices import FraudType, IndicatorKind
from shouwang.antifraud.models import Indicator, PartnerRequest
from shouwang.antifraud.warning.actions import (
    do_activate_version,
    do_approve_proposal,
    do_backtest_version,
    do_import_scores,
    do_ingest_events,
    do_record_outcome,
    do_reject_proposal,
    do_save_rule_version,
)
from shouwang.antifraud.warning.choices import Outcome
from shouwang.antifraud.warning.events import EventInput
from shouwang.antifraud.warning.models import (
    Backtest,
    BlockProposal,
    RuleVersion,
    WarningEvent,
    WarningRule,
    WarningTask,
)
from shouwang.audit.models import AuditEvent
from shouwang.demo.fraud import _card, _shift, partner_desks
from shouwang.demo.names import mobile, person
from shouwang.engines.scoring import FeatureTable, features_duckdb, train
from shouwang.engines.scoring.generate import records
from shouwang.notices.models import Notice
from shouwang.orgs.choices import Role, UnitKind
from shouwang.orgs.models import GridCell, Unit, User

DAYS = 14
# Chunks of the feed as they arrive: each is ingested (and evaluated) at its end.
CHUNK = timedelta(hours=2)
SCREEN_SHARING = ["向日葵远程控制", "ToDesk", "TeamViewer", "AnyDesk"]
SOURCE = "carrier-feed"

# The analyst's rules: (rule id, the fraud type whose call script a task gets, definition).
RULES: list[tuple[str, str, dict[str, Any]]] = [
    (
        "blocklist-caller",
        FraudType.FAKE_AUTHORITY,
        {
            "name": "接到已确认涉诈号码来电且通话超过 30 秒",
            "risk": "high",
            "when": {
                "all": [
                    {"field": "type", "op": "eq", "value": "call"},
                    {"field": "src", "op": "in_list", "value": "blocklist"},
                    {"field": "duration", "op": "ge", "value": 30},
                ]
            },
            "flag": {"party": "dst", "role": "victim"},
            "cooldown_minutes": 120,
        },
    ),
    (
        "transfer-to-blocklist",
        FraudType.ORDER_BRUSHING,
        {
            "name": "向已确认涉诈账户转账",
            "risk": "high",
            "when": {
                "all": [
                    {"field": "type", "op": "eq", "value": "transfer"},
                    {"field": "dst", "op": "in_list", "value": "blocklist"},
                ]
            },
            "flag": {"party": "src", "role": "victim"},
            "cooldown_minutes": 120,
        },
    ),
    (
        "model-caller",
        FraudType.FAKE_SUPPORT,
        {
            "name": "接到模型高分号码来电且通话超过 1 分钟",
            "risk": "medium",
            "when": {
                "all": [
                    {"field": "type", "op": "eq", "value": "call"},
                    {"score_of": "src", "op": "ge", "value": 0.8},
                    {"field": "duration", "op": "ge", "value": 60},
                ]
            },
            "flag": {"party": "dst", "role": "victim"},
            "cooldown_minutes": 240,
        },
    ),
    (
        "screen-sharing-app",
        FraudType.LOAN,
        {
            "name": "安装屏幕共享类 App",
            "risk": "high",
            "when": {
                "all": [
                    {"field": "type", "op": "eq", "value": "app_install"},
                    {"field": "app", "op": "in", "value": SCREEN_SHARING},
                ]
            },
            "flag": {"party": "src", "role": "victim"},
            "cooldown_minutes": 1440,
        },
    ),
]


def _burst(threshold: int) -> dict[str, Any]:
    return {
        "name": f"30 分钟内呼叫超过 {threshold} 个不同号码",
        "risk": "medium",
        "when": {"field": "type", "op": "eq", "value": "call"},
        "window": {
            "key": "src",
            "measure": "distinct",
            "field": "dst",
            "minutes": 30,
            "op": "gt",
            "value": threshold,
        },
        "flag": {"party": "src", "role": "block"},
        "cooldown_minutes": 1440,
    }


@dataclass
class _Cast:
    """The numbers of the story."""

    citizens: list[str]
    homes: dict[str, tuple[float, float]]
    names: dict[str, str]
    callers: list[str]  # fraud numbers the centre does not know yet (the model scores them)
    couriers: list[str]  # ordinary numbers that call like fraud numbers
    newcomer: str  # a fraud number that starts calling in the last hour
    blocked_phones: list[str]  # confirmed fraud numbers (the blocklist), as carriers write them
    blocked_cards: list[str]  # confirmed mule accounts
    grid_home: list[str] = field(default_factory=list)  # citizens of the `grid` login's grid


class _Clock:
    """Moves what one step wrote back to the moment it happened: its audit rows, its notices,
    and the notices it settled."""

    def __init__(self) -> None:
        self._mark()

    def _mark(self) -> None:
        self.audit = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        self.notice = Notice.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        self.unread = list(Notice.objects.filter(read_at__isnull=True).values_list("pk", flat=True))

    def settle(self, at: datetime) -> None:
        AuditEvent.objects.filter(pk__gt=self.audit).update(at=at)
        Notice.objects.filter(pk__gt=self.notice).update(created_at=at)
        settled = Q(pk__in=self.unread) | Q(pk__gt=self.notice)
        Notice.objects.filter(settled, read_at__isnull=False).update(read_at=at)
        self._mark()


def _homes(rng: Random, citizens: list[str], grids: list[Unit]) -> dict[str, tuple[float, float]]:
    cells: dict[int, list[str]] = {}
    for cell, unit_id in GridCell.objects.filter(unit__in=grids).values_list("cell", "unit_id"):
        cells.setdefault(unit_id, []).append(cell)
    homes = {}
    for n, phone in enumerate(citizens):
        grid = grids[0] if n < 6 else rng.choice(grids)  # the first few live in the demo grid
        lat, lon = h3.cell_to_latlng(rng.choice(sorted(cells[grid.pk])))
        homes[phone] = (round(lat, 6), round(lon, 6))
    return homes


def _cast(rng: Random) -> _Cast | None:
    demo_grid = User.objects.filter(username="grid").values_list("unit_id", flat=True).first()
    grids = list(
        Unit.objects.filter(kind=UnitKind.GRID, grid_cells__isnull=False)
        .distinct()
        .order_by("code")
    )
    grids.sort(key=lambda g: g.pk != demo_grid)  # the demo login's grid first
    blocked = Indicator.objects.filter(confirmed_at__isnull=False).order_by("pk")
    phones = [
        v.removeprefix("+86") for v in blocked.filter(kind="phone").values_list("value", flat=True)
    ]
    cards = list(blocked.filter(kind=IndicatorKind.BANK_CARD).values_list("value", flat=True))
    if not grids or not phones or not cards:
        return None
    citizens = [mobile(rng) for _ in range(200)]
    return _Cast(
        citizens=citizens,
        homes=_homes(rng, citizens, grids),
        names={c: person(rng) for c in citizens},
        callers=[mobile(rng) for _ in range(8)],
        couriers=[mobile(rng) for _ in range(3)],
        newcomer=mobile(rng),
        blocked_phones=phones,
        blocked_cards=cards,
        grid_home=citizens[:6],
    )


def _scores(rng: Random, cast: _Cast) -> tuple[bytes, bytes, str]:
    """Train the engine's model on generated carrier records of numbers whose truth the centre
    knows, and score the numbers of the story: the CSV and reasons ``shouwang antifraud score``
    writes, and the model's version."""
    known_fraud = [mobile(rng) for _ in range(40)]
    known_normal = [mobile(rng) for _ in range(160)]
    # records() makes every fifth number fraud-like: lay the numbers out so that the fraud ones
    # (and the couriers, who call the same way) fall on those places.
    fraud_like = known_fraud + cast.callers + cast.couriers + [cast.newcomer]
    normal = known_normal + cast.citizens[: 4 * len(fraud_like) - len(known_normal)]
    ids: list[str] = []
    for k, number in enumerate(fraud_like):
        ids += [number, *normal[4 * k : 4 * k + 4]]
    table = features_duckdb(records(ids=ids, seed=rng.randrange(2**31)))
    numbers = [str(v) for v in table["phone_no_m"].to_list()]
    columns = tuple(c for c in table.columns if c != "phone_no_m")
    values = table.select(columns).to_numpy().astype(float)
    truth = set(known_fraud)
    labelled = set(known_fraud) | set(known_normal)
    rows = np.array([i for i, n in enumerate(numbers) if n in labelled])
    labels = np.array([1 if n in truth else 0 for n in numbers])
    features = FeatureTable(tuple(numbers), columns, values, labels)
    model = train(features.select(rows), rounds=150)
    unknown = np.array([i for i, n in enumerate(numbers) if n not in labelled])
    scored = model.score(features.select(unknown), None, explain=True)
    csv_lines = ["phone_no_m,score,is_fraud"]
    reasons = []
    for row, number in enumerate(scored.ids):
        flagged = int(scored.flagged[row])
        csv_lines.append(f"{number},{scored.probability[row]:.6f},{flagged}")
        explained = [r.as_json() for r in scored.reasons(row)]
        reasons.append(json.dumps({"phone_no_m": number, "reasons": explained}))
    return "\n".join(csv_lines).encode(), "\n".join(reasons).encode(), model.version


def _call(at: datetime, src: str, dst: str, seconds: int, cast: _Cast) -> EventInput:
    data: dict[str, Any] = {"src": src, "dst": dst, "duration": seconds}
    if dst in cast.homes:  # the carrier's subscriber record: name and registered address
        data |= {"name": cast.names[dst], "lat": cast.homes[dst][0], "lon": cast.homes[dst][1]}
    return EventInput("call", at, src, dst, data)


def _about(citizen: str, cast: _Cast) -> dict[str, Any]:
    lat, lon = cast.homes[citizen]
    return {"name": cast.names[citizen], "lat": lat, "lon": lon}


def _day(rng: Random, start: datetime, cast: _Cast) -> list[EventInput]:
    """One day of the feed from ``start`` (midnight): ordinary calls, a few fraud numbers'
    bursts with some victims staying on the line, a courier's round, a call from a blocklisted
    number, a transfer to a mule account, now and then a screen-sharing app installed."""

    def moment(first: int = 8, last: int = 21) -> datetime:
        return start + timedelta(hours=rng.randrange(first, last), minutes=rng.randrange(60))

    events: list[EventInput] = []
    for _ in range(40):
        a, b = rng.sample(cast.citizens, 2)
        events.append(_call(moment(7, 23), a, b, rng.randrange(20, 600), cast))
    for caller in rng.sample(cast.callers, 2):
        at = moment(9, 18)
        for n, victim in enumerate(rng.sample(cast.citizens, rng.randrange(14, 24))):
            engaged = rng.random() < 0.12
            seconds = rng.randrange(70, 900) if engaged else rng.randrange(3, 40)
            events.append(_call(at + timedelta(seconds=70 * n), caller, victim, seconds, cast))
            if engaged and rng.random() < 0.35:
                later = at + timedelta(minutes=rng.randrange(20, 90))
                app = rng.choice(SCREEN_SHARING)
                events.append(
                    EventInput(
                        "app_install",
                        later,
                        victim,
                        "",
                        {"src": victim, "app": app} | _about(victim, cast),
                    )
                )
    courier = rng.choice(cast.couriers)
    at = moment(9, 17)
    round_size = rng.randrange(8, 20)
    for n, customer in enumerate(rng.sample(cast.citizens, round_size)):
        seconds = rng.randrange(60, 120) if n % 8 == 0 else rng.randrange(8, 40)
        events.append(_call(at + timedelta(seconds=90 * n), courier, customer, seconds, cast))
    if rng.random() < 0.8:
        victim = rng.choice(cast.citizens)
        src = rng.choice(cast.blocked_phones)
        events.append(_call(moment(), src, victim, rng.randrange(40, 1200), cast))
    if rng.random() < 0.7:
        payer = rng.choice(cast.citizens)
        amount = rng.choice((2000, 5000, 9800, 20000, 49800))
        card = rng.choice(cast.blocked_cards)
        data = {"src": payer, "dst": card, "amount": amount} | _about(payer, cast)
        events.append(EventInput("transfer", moment(), payer, card, data))
    return sorted(events, key=lambda e: e.time)


@dataclass
class _People:
    analyst: User
    desks: dict[int, User]
    clock: _Clock
    batches: int = 0


def _ingest(
    events: list[EventInput], at: datetime, people: _People
) -> tuple[list[WarningTask], list[BlockProposal]]:
    """Ingest a chunk of the feed and move it, and what it raised, to ``at``."""
    people.batches += 1
    # A batch name of our own: the default has a random part, and the demo is deterministic.
    batch = f"demo-{people.batches:04d}"
    result = do_ingest_events(events, source=SOURCE, actor=people.analyst, batch=batch)
    delta = at - result.events[0].received_at if result.events else timedelta(0)
    WarningEvent.objects.filter(pk__in=[e.pk for e in result.events]).update(
        received_at=F("received_at") + delta
    )
    tasks = [t.pk for t in result.tasks]
    WarningTask.objects.filter(pk__in=tasks).update(
        created_at=F("created_at") + delta, deadline=F("deadline") + delta
    )
    proposals = [p.pk for p in result.proposals]
    BlockProposal.objects.filter(pk__in=proposals).update(created_at=F("created_at") + delta)
    people.clock.settle(at)
    return (
        list(WarningTask.objects.filter(pk__in=tasks).select_related("assignee", "event")),
        list(BlockProposal.objects.filter(pk__in=proposals)),
    )


def _answer(requests: list[PartnerRequest], at: datetime, rng: Random, people: _People) -> None:
    """The partner desks answer; the requests move back to ``at``."""
    for req in requests:
        desk = people.desks.get(req.organisation_id) if req.organisation_id else None
        if desk is not None:
            do_answer_request(req, done=True, actor=desk)
    pks = [r.pk for r in requests]
    first = PartnerRequest.objects.filter(pk__in=pks).order_by("created_at").first()
    if first is None:
        return
    delta = at - first.created_at
    PartnerRequest.objects.filter(pk__in=pks).update(
        created_at=F("created_at") + delta, deadline=F("deadline") + delta
    )
    PartnerRequest.objects.filter(pk__in=pks, answered_at__isnull=False).update(
        answered_at=F("created_at") + timedelta(minutes=rng.randrange(4, 30))
    )
    indicators = PartnerRequest.objects.filter(pk__in=pks).values("indicator_id")
    Indicator.objects.filter(pk__in=indicators, first_seen__gt=at).update(
        first_seen=at, last_seen=at
    )
    people.clock.settle(at)


def _outcome(task: WarningTask, cast: _Cast, rng: Random) -> tuple[str, str]:
    caller = task.counterpart
    if caller in cast.couriers:
        return Outcome.FALSE_ALARM, "快递员派件电话,非诈骗"
    roll = rng.random()
    if roll < 0.12:
        return Outcome.UNREACHABLE, "三次来电未接,已发送预警短信"
    if roll < 0.22:
        return Outcome.LOST, "劝阻时对方已转账"
    return Outcome.DISSUADED, "已电话劝阻,当事人确认未转账"


def _close(task: WarningTask, cast: _Cast, rng: Random, people: _People) -> None:
    if task.assignee is None:
        return
    outcome, note = _outcome(task, cast, rng)
    loss = Decimal(rng.choice((3000, 8000, 15000, 26000))) if outcome == Outcome.LOST else None
    # Asked where the money went, the victim of an app-install warning names the card.
    paid_to = ("bank_card", _card(rng)) if loss and not task.counterpart else ("", "")
    done = do_record_outcome(
        task, outcome=outcome, note=note, loss_amount=loss, paid_to=paid_to, actor=task.assignee
    )
    # Most are reached within the deadline, a few late.
    minutes = rng.randrange(3, 14) if task.risk == "high" else rng.randrange(5, 75)
    at = task.created_at + timedelta(minutes=minutes)
    WarningTask.objects.filter(pk=task.pk).update(outcome_at=at)
    if done.report is not None:
        _shift(done.report, at)
    people.clock.settle(at)
    if done.report is not None:
        _answer(list(done.report.requests.all()), at, rng, people)


def _decide(proposal: BlockProposal, cast: _Cast, rng: Random, people: _People) -> None:
    at = proposal.created_at + timedelta(minutes=rng.randrange(5, 40))
    if proposal.value in cast.couriers:
        do_reject_proposal(proposal, note="经核实为快递公司派件号码", actor=people.analyst)
        requests: list[PartnerRequest] = []
    else:
        requests = do_approve_proposal(proposal, actor=people.analyst)
    BlockProposal.objects.filter(pk=proposal.pk).update(decided_at=at)
    people.clock.settle(at)
    _answer(requests, at, rng, people)


def _rules(start: datetime, until: datetime, people: _People) -> list[RuleVersion]:
    """The analyst writes the rules, backtests them on the events so far and switches them on;
    the burst rule's first threshold caught couriers too, so it gets a second version."""
    analyst = people.analyst
    versions = []
    for rule_id, fraud_type, definition in RULES:
        versions.append(
            do_save_rule_version(definition, rule_id=rule_id, fraud_type=fraud_type, actor=analyst)
        )
    first = do_save_rule_version(_burst(8), rule_id="callee-burst", actor=analyst)
    do_backtest_version(first, since=start, until=until, actor=analyst)
    versions.append(do_save_rule_version(_burst(15), rule_id="callee-burst", actor=analyst))
    for version in versions:
        do_backtest_version(version, since=start, until=until, actor=analyst)
        do_activate_version(version, actor=analyst)
    at = until + timedelta(hours=10)
    RuleVersion.objects.update(created_at=at)
    WarningRule.objects.update(created_at=at)
    Backtest.objects.update(ran_at=at)
    people.clock.settle(at)
    return versions


def make_warnings(rng: Random, now: datetime) -> int:
    """Write the two weeks; returns the number of dissuasion tasks."""
    analyst = User.objects.filter(role=Role.FRAUD_ANALYST).order_by("pk").first()
    cast = _cast(rng)
    if analyst is None or cast is None:
        return 0
    people = _People(analyst, partner_desks(), _Clock())
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    first_day = midnight - timedelta(days=DAYS)
    scores, reasons, version = _scores(rng, cast)
    do_import_scores(scores, model_version=version, reasons=reasons, actor=analyst)
    people.clock.settle(first_day)
    feed = [e for d in range(DAYS + 1) for e in _day(rng, first_day + timedelta(days=d), cast)]
    # The feed of the final hours: the open work, with a high-risk call in the demo grid and
    # a new fraud number working through a list of numbers (a proposal to decide).
    feed += [
        _call(now - timedelta(minutes=25), cast.blocked_phones[0], cast.grid_home[0], 300, cast),
        _call(now - timedelta(minutes=12), cast.callers[0], cast.grid_home[1], 240, cast),
    ]
    for n, callee in enumerate(rng.sample(cast.citizens[6:], 18)):
        at = now - timedelta(minutes=40) + timedelta(seconds=100 * n)
        feed.append(_call(at, cast.newcomer, callee, rng.randrange(5, 30), cast))
    feed = sorted((e for e in feed if e.time < now), key=lambda e: e.time)
    week = midnight - timedelta(days=DAYS // 2)
    # The first week arrived before there were rules.
    _ingest([e for e in feed if e.time < week], week, people)
    _rules(first_day, week, people)
    cursor = week
    while cursor < now:
        end = min(cursor + CHUNK, now)
        chunk = [e for e in feed if cursor <= e.time < end]
        cursor = end
        if not chunk:
            continue
        tasks, proposals = _ingest(chunk, end, people)
        if end >= now - CHUNK:
            continue  # the last hours: still open
        for task in tasks:
            _close(task, cast, rng, people)
        for proposal in proposals:
            _decide(proposal, cast, rng, people)
    # With a week of outcomes the backtests now say how precise each rule was.
    for rule in WarningRule.objects.filter(active_version__isnull=False).select_related(
        "active_version"
    ):
        assert rule.active_version is not None
        do_backtest_version(rule.active_version, since=week, until=now, actor=analyst)
    people.clock.settle(now)
    return WarningTask.objects.count()
