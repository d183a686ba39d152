import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from shouwang.antifraud.choices import RequestSource
from shouwang.antifraud.models import FraudReport, PartnerRequest
from shouwang.antifraud.tests.factories import CARD_1 as CARD
from shouwang.antifraud.tests.factories import PHONE_1, PHONE_2
from shouwang.antifraud.warning.actions import (
    do_activate_version,
    do_approve_proposal,
    do_backtest_version,
    do_deactivate_rule,
    do_import_scores,
    do_ingest_events,
    do_record_outcome,
    do_reject_proposal,
    do_save_rule_version,
)
from shouwang.antifraud.warning.choices import Outcome, ProposalState, TaskState
from shouwang.antifraud.warning.events import parse_events
from shouwang.antifraud.warning.feature_labels import explain
from shouwang.antifraud.warning.feedback import by_model_version, by_rule_version
from shouwang.antifraud.warning.models import (
    BlockProposal,
    NumberScore,
    WarningEvent,
    WarningTask,
)
from shouwang.antifraud.warning.tests.helpers import (
    BURST_EVENTS,
    BURST_RULE,
    SCAMMER,
    T0,
    VICTIM_RULE,
    at,
    call,
    ingest,
    score_scammer,
    switched_on,
)
from shouwang.audit.models import AuditEvent
from shouwang.common.errors import ActionError, NotPermitted
from shouwang.common.testing import POINT_A, Cast

pytestmark = pytest.mark.django_db


def test_backtest_counts_match_the_hand_checked_fixture(cast: Cast) -> None:
    version = switched_on(cast, "burst", BURST_RULE)
    result = ingest(cast, BURST_EVENTS)
    assert sorted(p.value for p in result.proposals) == [PHONE_1, PHONE_2]
    first, second = sorted(result.proposals, key=lambda p: p.value)
    do_approve_proposal(first, actor=cast.ivan)
    do_reject_proposal(second, note="号码属于快递公司", actor=cast.ivan)

    run = do_backtest_version(
        version, since=T0 - timedelta(hours=1), until=T0 + timedelta(hours=1), actor=cast.ivan
    )

    assert (run.events, run.warnings, run.subjects) == (11, 2, 2)
    assert (run.confirmed, run.false_alarms, run.precision) == (1, 1, 0.5)


def test_a_period_without_events_backtests_to_zero(cast: Cast) -> None:
    version = switched_on(cast, "burst", BURST_RULE)
    ingest(cast, BURST_EVENTS)
    run = do_backtest_version(
        version, since=T0 + timedelta(days=1), until=T0 + timedelta(days=2), actor=cast.ivan
    )
    assert (run.events, run.warnings) == (0, 0)


def test_windows_span_batches(cast: Cast) -> None:
    switched_on(cast, "burst", BURST_RULE)
    assert ingest(cast, BURST_EVENTS[:4]).proposals == []
    later = ingest(cast, BURST_EVENTS[4:6])
    assert [p.value for p in later.proposals] == [PHONE_1]


def test_a_rule_is_switched_on_only_after_a_backtest(cast: Cast) -> None:
    version = do_save_rule_version(BURST_RULE, rule_id="burst", actor=cast.ivan)
    with pytest.raises(ActionError):
        do_activate_version(version, actor=cast.ivan)
    do_backtest_version(version, since=T0 - timedelta(days=1), until=T0, actor=cast.ivan)
    rule = do_activate_version(version, actor=cast.ivan)
    assert rule.active_version == version
    do_deactivate_rule(rule, actor=cast.ivan)
    assert not rule.is_active
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"warning.rule_version", "warning.backtest", "warning.rule_on", "warning.rule_off"} <= (
        actions
    )


def test_every_change_is_a_new_version(cast: Cast) -> None:
    first = do_save_rule_version(BURST_RULE, rule_id="burst", actor=cast.ivan)
    second = do_save_rule_version({**BURST_RULE, "risk": "low"}, rule_id="burst", actor=cast.ivan)
    assert (first.version, second.version) == (1, 2)
    first.refresh_from_db()
    assert first.definition["risk"] == "high"


def test_an_invalid_rule_names_the_bad_field(cast: Cast) -> None:
    bad = {**BURST_RULE, "window": {**BURST_RULE["window"], "minutes": -5, "measure": "avg"}}
    with pytest.raises(ValidationError) as caught:
        do_save_rule_version(bad, rule_id="burst", actor=cast.ivan)
    assert {"definition.window.minutes", "definition.window.measure"} <= set(
        caught.value.message_dict
    )


def test_a_rule_on_the_model_needs_scores_first(cast: Cast) -> None:
    with pytest.raises(ValidationError) as caught:
        do_save_rule_version(VICTIM_RULE, rule_id="victim", actor=cast.ivan)
    assert "definition.when" in caught.value.message_dict
    score_scammer(cast)
    assert do_save_rule_version(VICTIM_RULE, rule_id="victim", actor=cast.ivan).version == 1


def test_grid_worker_and_other_roles_cannot_edit_rules(cast: Cast) -> None:
    for user in (cast.bob, cast.gina, cast.alice):
        with pytest.raises(NotPermitted):
            do_save_rule_version(BURST_RULE, rule_id="burst", actor=user)


def test_warning_tasks_reach_the_right_grid_officer_with_the_right_deadline(cast: Cast) -> None:
    score_scammer(cast)
    switched_on(cast, "victim", VICTIM_RULE, fraud_type="fake_authority")
    result = ingest(
        cast,
        [
            call(SCAMMER, "13900001111", 0, grid=cast.grid_a.code, name="王小明"),
            call(SCAMMER, "13900002222", 1, lat=POINT_A[0], lon=POINT_A[1]),
            call(SCAMMER, "13900003333", 2, grid=cast.grid_b.code),
            call("13700000009", "13900004444", 3, grid=cast.grid_a.code),
        ],
    )
    tasks = {t.person_phone: t for t in result.tasks}
    assert set(tasks) == {"13900001111", "13900002222", "13900003333"}
    by_code = tasks["13900001111"]
    assert (by_code.unit, by_code.assignee) == (cast.grid_a, cast.bob)
    assert by_code.deadline - by_code.created_at == timedelta(minutes=15)
    assert by_code.fraud_type == "fake_authority"
    assert by_code.counterpart == SCAMMER
    assert by_code.score == pytest.approx(0.97)
    assert by_code.model_version == "20260101-abc"
    assert by_code.reasons[0]["feature"] == "call_dispersion"
    assert tasks["13900002222"].assignee == cast.bob
    # Grid B has no grid worker: the station's officer takes it.
    assert (tasks["13900003333"].unit, tasks["13900003333"].assignee) == (
        cast.grid_b,
        cast.charlie,
    )


def test_medium_risk_gets_an_hour(cast: Cast) -> None:
    score_scammer(cast)
    switched_on(cast, "victim", {**VICTIM_RULE, "risk": "medium"})
    task = ingest(cast, [call(SCAMMER, "13900001111", 0, grid=cast.grid_a.code)]).tasks[0]
    assert task.deadline - task.created_at == timedelta(minutes=60)


def test_approving_a_proposal_sends_a_block_request_to_the_carrier(cast: Cast) -> None:
    switched_on(cast, "burst", BURST_RULE)
    proposal = next(p for p in ingest(cast, BURST_EVENTS).proposals if p.value == PHONE_1)
    requests = do_approve_proposal(proposal, note="核实为诈骗号码", actor=cast.ivan)
    assert len(requests) == 1
    request = PartnerRequest.objects.get(pk=requests[0].pk)
    assert request.source == RequestSource.WARNING
    assert request.organisation == cast.carrier
    assert request.report is None
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.APPROVED
    assert list(proposal.requests.all()) == [request]
    with pytest.raises(ActionError):
        do_approve_proposal(proposal, actor=cast.ivan)


def test_rejecting_needs_a_reason_and_sends_nothing(cast: Cast) -> None:
    switched_on(cast, "burst", BURST_RULE)
    proposal = ingest(cast, BURST_EVENTS).proposals[0]
    with pytest.raises(ValidationError):
        do_reject_proposal(proposal, note=" ", actor=cast.ivan)
    do_reject_proposal(proposal, note="号码属于快递公司", actor=cast.ivan)
    assert proposal.state == ProposalState.REJECTED
    assert not PartnerRequest.objects.exists()


def test_a_proposed_number_is_not_proposed_again(cast: Cast) -> None:
    switched_on(cast, "burst", {**BURST_RULE, "cooldown_minutes": 0})
    ingest(cast, BURST_EVENTS)
    assert BlockProposal.objects.filter(value=PHONE_1).count() == 1


def test_outcome_already_lost_creates_a_prefilled_report(cast: Cast) -> None:
    score_scammer(cast)
    switched_on(cast, "victim", VICTIM_RULE, fraud_type="fake_authority")
    task = ingest(cast, [call(SCAMMER, "13900001111", 0, grid=cast.grid_a.code, name="王小明")])
    task = task.tasks[0]
    do_record_outcome(
        task, outcome=Outcome.LOST, loss_amount=Decimal("12000"), note="已转账", actor=cast.bob
    )
    task.refresh_from_db()
    assert task.state == TaskState.DONE
    report = FraudReport.objects.get(pk=task.report_id)
    assert (report.fraud_type, report.loss_amount) == ("fake_authority", Decimal("12000.00"))
    assert (report.victim_phone, report.victim_name, report.unit) == (
        "+8613900001111",  # stored as E.164, like the phone indicators
        "王小明",
        cast.grid_a,
    )
    assert report.indicator_links.get().indicator.value == "+86" + SCAMMER
    assert report.requests.count() == 1  # the block request for the scammer's number


def test_already_lost_for_an_account_subject_registers_without_a_victim_phone(
    cast: Cast,
) -> None:
    # A rule on transfers warns about the paying account: it is no phone to call back, and it
    # must not stop the officer from recording the loss.
    score_scammer(cast)
    switched_on(cast, "victim", VICTIM_RULE)
    task = ingest(cast, [call(SCAMMER, "13900001111", 0, grid=cast.grid_a.code)]).tasks[0]
    task.person_phone = "6222020000000001"
    task.save(update_fields=["person_phone"])
    do_record_outcome(task, outcome=Outcome.LOST, loss_amount=Decimal("500"), actor=cast.bob)
    report = FraudReport.objects.get(pk=task.report_id)
    assert report.victim_phone == ""


def test_already_lost_without_an_amount_writes_nothing(cast: Cast) -> None:
    score_scammer(cast)
    switched_on(cast, "victim", VICTIM_RULE)
    task = ingest(cast, [call(SCAMMER, "13900001111", 0, grid=cast.grid_a.code)]).tasks[0]
    with pytest.raises(ValidationError):
        do_record_outcome(task, outcome=Outcome.LOST, actor=cast.bob)
    task.refresh_from_db()
    assert (task.state, FraudReport.objects.count()) == (TaskState.OPEN, 0)


def test_other_jurisdiction_cannot_record_an_outcome(cast: Cast) -> None:
    score_scammer(cast)
    switched_on(cast, "victim", VICTIM_RULE)
    task = ingest(cast, [call(SCAMMER, "13900001111", 0, grid=cast.grid_a.code)]).tasks[0]
    with pytest.raises(NotPermitted):
        do_record_outcome(task, outcome=Outcome.DISSUADED, actor=cast.charlie)
    with pytest.raises(NotPermitted):
        do_record_outcome(task, outcome=Outcome.DISSUADED, actor=cast.gina)


def test_outcomes_feed_precision_per_rule_and_model_version(cast: Cast) -> None:
    score_scammer(cast)
    switched_on(cast, "victim", VICTIM_RULE)
    tasks = ingest(
        cast,
        [call(SCAMMER, f"139000011{i:02d}", i, grid=cast.grid_a.code) for i in range(4)],
    ).tasks
    for task, outcome in zip(
        tasks,
        [Outcome.DISSUADED, Outcome.FALSE_ALARM, Outcome.UNREACHABLE, Outcome.DISSUADED],
        strict=True,
    ):
        do_record_outcome(task, outcome=outcome, actor=cast.bob)
    (rule_row,) = by_rule_version(WarningTask.objects.all(), BlockProposal.objects.all())
    assert (rule_row.label, rule_row.warnings, rule_row.confirmed, rule_row.false_alarms) == (
        "victim v1",
        4,
        2,
        1,
    )
    assert rule_row.precision == pytest.approx(2 / 3)
    (model_row,) = by_model_version(WarningTask.objects.all(), BlockProposal.objects.all())
    assert (model_row.label, model_row.warnings, model_row.pending) == ("20260101-abc", 4, 1)


def test_partner_desks_cannot_ingest_or_decide(cast: Cast) -> None:
    switched_on(cast, "burst", BURST_RULE)
    proposal = ingest(cast, BURST_EVENTS).proposals[0]
    with pytest.raises(NotPermitted):
        do_approve_proposal(proposal, actor=cast.gina)
    with pytest.raises(NotPermitted):
        do_ingest_events(
            parse_events([call(PHONE_1, "13900000001", 0)]), source="t", actor=cast.dora
        )
    assert WarningEvent.objects.count() == len(BURST_EVENTS)


def test_reasons_of_a_number_without_records_import_as_no_value(cast: Cast) -> None:
    """A number with no records of a kind has a missing value; `score --reasons` writes it as
    null, and files from before wrote NaN, which a JSON column cannot store."""
    scores = b"phone_no_m,score,is_fraud\n13800000001,0.91,1\n13800000002,0.88,1\n"
    reasons = "\n".join(
        json.dumps({"phone_no_m": number, "reasons": [{"feature": "arpu_mean", "value": value,
                                                      "calibrated": 0.4}]})
        for number, value in (("13800000001", None), ("13800000002", float("nan")))
    ).encode()  # fmt: skip
    assert do_import_scores(scores, model_version="v", reasons=reasons, actor=cast.ivan) == 2
    stored = NumberScore.objects.order_by("value")
    assert [s.reasons[0]["value"] for s in stored] == [None, None]
    assert explain(stored[0].reasons)[0].value == "无记录"


def test_a_reason_without_a_finite_push_is_refused_with_its_line(cast: Cast) -> None:
    scores = b"phone_no_m,score,is_fraud\n13800000001,0.91,1\n"
    reason = '{"feature": "a", "value": 1, "calibrated": NaN}'
    reasons = ('\n{"phone_no_m": "13800000001", "reasons": [' + reason + "]}\n").encode()
    with pytest.raises(ValidationError) as raised:
        do_import_scores(scores, model_version="v", reasons=reasons, actor=cast.ivan)
    assert "第 2 行" in str(raised.value.message_dict["reasons"])
    assert not NumberScore.objects.exists()


APP_RULE = {
    "name": "安装屏幕共享类 App",
    "risk": "high",
    "when": {
        "all": [
            {"field": "type", "op": "eq", "value": "app_install"},
            {"field": "app", "op": "in", "value": ["ToDesk", "向日葵远程控制"]},
        ]
    },
    "flag": {"party": "src", "role": "victim"},
}


def app_install_task(cast: Cast) -> WarningTask:
    switched_on(cast, "app", APP_RULE, fraud_type="loan")
    event = {"type": "app_install", "time": at(0), "src": "13900001111", "app": "ToDesk",
             "grid": cast.grid_a.code}  # fmt: skip
    task: WarningTask = ingest(cast, [event]).tasks[0]
    assert task.counterpart == ""
    return task


def test_already_lost_on_a_warning_without_a_counterpart_asks_where_the_money_went(
    cast: Cast,
) -> None:
    task = app_install_task(cast)
    with pytest.raises(ValidationError) as raised:
        do_record_outcome(task, outcome=Outcome.LOST, loss_amount=Decimal("9000"), actor=cast.bob)
    assert set(raised.value.message_dict) == {"to_account"}
    with pytest.raises(ValidationError) as raised:
        do_record_outcome(
            task,
            outcome=Outcome.LOST,
            loss_amount=Decimal("9000"),
            paid_to=("bank_card", "not-a-card"),
            actor=cast.bob,
        )
    assert "to_account" in raised.value.message_dict  # the report's error, at the form's field
    assert task.state == TaskState.OPEN  # the caller's object was not read back as done
    task.refresh_from_db()
    assert (task.state, FraudReport.objects.count()) == (TaskState.OPEN, 0)

    do_record_outcome(
        task,
        outcome=Outcome.LOST,
        loss_amount=Decimal("9000"),
        paid_to=("bank_card", CARD),
        actor=cast.bob,
    )
    task.refresh_from_db()
    assert task.report is not None
    report = task.report
    transfer = report.transfers.get()
    assert (transfer.to_indicator.value, transfer.amount) == (CARD, Decimal("9000.00"))
    assert report.requests.filter(type="freeze").count() == 1


def test_a_task_open_at_its_deadline_goes_to_another_officer_of_the_station_once(
    cast: Cast,
) -> None:
    from shouwang.antifraud.warning.actions import do_scan_late_tasks
    from shouwang.cases.management.commands.scheduler import periodic_jobs

    score_scammer(cast)
    switched_on(cast, "victim", VICTIM_RULE)
    late, answered = ingest(
        cast,
        [
            call(SCAMMER, "13900001111", 0, grid=cast.grid_a.code),
            call(SCAMMER, "13900002222", 1, grid=cast.grid_a.code),
        ],
    ).tasks
    assert late.assignee == cast.bob  # the grid worker
    do_record_outcome(answered, outcome=Outcome.DISSUADED, actor=cast.bob)
    assert do_scan_late_tasks(now=late.deadline - timedelta(seconds=1)) == 0
    assert do_scan_late_tasks(now=late.deadline + timedelta(minutes=1)) == 1
    late.refresh_from_db()
    # Station A's other officer (its chief, here) has it now; the deadline stays.
    assert (late.assignee, late.reassigned_from) == (cast.alice, cast.bob)
    assert late.escalated_at is not None and late.state == TaskState.OPEN
    entry = AuditEvent.objects.get(action="warning.task_late")
    assert entry.detail["from"] == cast.bob.pk and entry.detail["to"] == cast.alice.pk
    # Once: a later scan leaves it, and a done task is never touched.
    assert do_scan_late_tasks(now=late.deadline + timedelta(hours=2)) == 0
    answered.refresh_from_db()
    assert answered.escalated_at is None
    # The new officer records the outcome; the scheduler runs the scan every minute.
    do_record_outcome(late, outcome=Outcome.UNREACHABLE, actor=cast.alice)
    assert any(job.name == "scan_late_tasks" for job, _ in periodic_jobs())
