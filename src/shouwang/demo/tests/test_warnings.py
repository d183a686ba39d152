"""The demo's two weeks of early warnings: rules on, tasks done and open, proposals decided."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from shouwang.antifraud.models import PartnerRequest
from shouwang.antifraud.warning.choices import Outcome, ProposalState, TaskState
from shouwang.antifraud.warning.feedback import by_model_version, by_rule_version
from shouwang.antifraud.warning.models import (
    Backtest,
    BlockProposal,
    NumberScore,
    WarningEvent,
    WarningRule,
    WarningTask,
)
from shouwang.audit.models import AuditEvent
from shouwang.demo.generate import load_demo
from shouwang.demo.people import DEMO_PASSWORD
from shouwang.demo.plan import SMALL_SHAPE
from shouwang.notices.choices import NoticeKind
from shouwang.notices.models import Notice
from shouwang.orgs.models import User

NOW = datetime(2026, 6, 15, 2, 30, tzinfo=UTC)


@pytest.fixture
def city(db: None) -> None:
    with time_machine.travel(NOW, tick=False):
        load_demo(seed=11, scale=0.2, shape=SMALL_SHAPE, incidents=False)


def test_the_rules_are_on_after_a_backtest(city: None) -> None:
    rules = WarningRule.objects.all()
    assert rules.count() == 5
    assert all(rule.active_version is not None for rule in rules)
    burst = rules.get(rule_id="callee-burst")
    assert burst.active_version is not None and burst.active_version.version == 2
    for rule in rules:
        assert rule.active_version is not None
        assert rule.active_version.backtests.exists()
    # The backtests run at the end count what outcomes confirmed.
    assert Backtest.objects.filter(confirmed__gt=0).exists()


def test_a_model_scored_the_unknown_numbers_with_reasons(city: None) -> None:
    flagged = NumberScore.objects.filter(flagged=True)
    assert flagged.count() >= 8
    assert all(score.reasons for score in flagged)
    assert NumberScore.objects.filter(flagged=False).exists()


def test_tasks_have_outcomes_and_the_last_hours_are_open(city: None) -> None:
    tasks = WarningTask.objects.all()
    outcomes = Counter(tasks.values_list("outcome", flat=True))
    assert {Outcome.DISSUADED, Outcome.FALSE_ALARM, Outcome.LOST} <= set(outcomes)
    assert tasks.filter(state=TaskState.OPEN).exists()
    assert all(t.created_at <= NOW for t in tasks)
    assert all(t.outcome_at is None or t.outcome_at > t.created_at for t in tasks)
    # "Already lost" turned into a report, dated when it was recorded.
    lost = tasks.filter(outcome=Outcome.LOST).select_related("report")
    assert all(t.report is not None and t.report.created_at < NOW for t in lost)
    # Couriers' calls were false alarms: the model's precision is honest, not perfect.
    models = by_model_version(WarningTask.objects.all(), BlockProposal.objects.all())
    assert models and all(p.precision is not None and p.precision < 1 for p in models)
    assert by_rule_version(WarningTask.objects.all(), BlockProposal.objects.all())


def test_proposals_were_decided_and_events_dated(city: None) -> None:
    states = set(BlockProposal.objects.values_list("state", flat=True))
    assert {ProposalState.APPROVED, ProposalState.PENDING} <= states
    assert not BlockProposal.objects.filter(
        state=ProposalState.APPROVED, requests__isnull=True
    ).exists()
    first = WarningEvent.objects.order_by("time").first()
    assert first is not None and (NOW - first.time).days >= 13
    assert not AuditEvent.objects.filter(at__gt=NOW).exists()


def test_the_demo_grid_worker_has_open_tasks(city: None) -> None:
    grid = User.objects.get(username="grid")
    assert WarningTask.objects.filter(assignee=grid, state=TaskState.OPEN).exists()
    client = Client()
    assert client.login(username="grid", password=DEMO_PASSWORD)
    with time_machine.travel(NOW, tick=False):
        page = client.get("/antifraud/warnings/")
    assert page.status_code == 200
    task = WarningTask.objects.filter(assignee=grid, state=TaskState.OPEN).first()
    assert task is not None and task.reference in page.content.decode()


def test_notices_are_dated_with_their_causes(city: None) -> None:
    """Each notice carries the time its task or request was raised, and a settled one the time
    its outcome or answer was recorded: not the moment the demo was loaded."""
    tasks = {f"task:{t.pk}": t for t in WarningTask.objects.all()}
    requests = {f"request:{r.pk}": r for r in PartnerRequest.objects.all()}
    notices = list(Notice.objects.all())
    assert {n.kind for n in notices} >= {NoticeKind.WARNING_TASK, NoticeKind.REQUESTS_NEW}
    checked = 0
    for notice in notices:
        cause = tasks.get(notice.key) or requests.get(notice.key)
        if cause is None:
            continue
        assert abs(notice.created_at - cause.created_at) <= timedelta(minutes=1), notice.key
        assert notice.read_at is None or notice.read_at >= notice.created_at
        checked += 1
    assert checked >= len(tasks) // 2
    assert Notice.objects.filter(created_at__lt=NOW - timedelta(days=3)).exists()
    done = [t for t in tasks.values() if t.outcome_at is not None]
    read = {n.key: n.read_at for n in notices if n.kind == NoticeKind.WARNING_TASK}
    assert done and all(read[f"task:{t.pk}"] == t.outcome_at for t in done if t.assignee_id)
