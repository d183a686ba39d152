"""API shapes of the warning loop. The person's phone and name are masked here as on pages;
revealing one goes through the audited reveal."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Schema
from pydantic import Field

from shouwang.antifraud.warning.models import (
    Backtest,
    BlockProposal,
    RuleVersion,
    WarningRule,
    WarningTask,
)
from shouwang.common.masking import mask_name, mask_phone
from shouwang.common.params import IsoDateTime


class EventsIn(Schema):
    events: list[dict[str, Any]] = Field(
        description="each with type (call, sms, transfer, app_install, alert), time (ISO 8601 "
        "with offset), src, dst and any other fields rules name (grid, lat, lon, amount ...)"
    )


class IngestOut(Schema):
    events: int
    tasks: list[int]
    proposals: list[int]


class ReasonOut(Schema):
    feature: str
    value: float | None = Field(description="the number's value; null when it had no records")
    calibrated: float


class TaskOut(Schema):
    id: int
    reference: str
    unit: str
    assignee: str | None
    person_phone_masked: str
    person_name_masked: str
    counterpart: str
    fraud_type: str
    risk: str
    rule: str
    score: float | None
    model_version: str
    reasons: list[ReasonOut]
    created_at: datetime
    deadline: datetime
    state: str
    outcome: str
    report_id: int | None
    escalated_at: datetime | None = Field(
        description="when the task, still open at its deadline, was handed to another officer"
    )
    reassigned_from: str | None = Field(description="the officer who had it before")

    @staticmethod
    def of(task: WarningTask) -> TaskOut:
        return TaskOut(
            id=task.pk,
            reference=task.reference,
            unit=task.unit.code,
            assignee=task.assignee.username if task.assignee else None,
            person_phone_masked=mask_phone(task.person_phone),
            person_name_masked=mask_name(task.person_name),
            counterpart=task.counterpart,
            fraud_type=task.fraud_type,
            risk=task.risk,
            rule=str(task.rule_version),
            score=task.score,
            model_version=task.model_version,
            reasons=[ReasonOut(**r) for r in task.reasons],
            created_at=task.created_at,
            deadline=task.deadline,
            state=task.state,
            outcome=task.outcome,
            report_id=task.report_id,
            escalated_at=task.escalated_at,
            reassigned_from=task.reassigned_from.username if task.reassigned_from else None,
        )


class OutcomeIn(Schema):
    outcome: str = Field(description="dissuaded, lost, unreachable or false_alarm")
    note: str = ""
    loss_amount: str | None = Field(None, description="yuan; required for lost")
    to_kind: str = Field("bank_card", description="for lost: kind of the account the money went to")
    to_account: str = Field(
        "",
        description="for lost: the account the money went to; required when the task has no "
        "counterpart (an app install, say)",
    )


class ProposalOut(Schema):
    id: int
    kind: str
    value: str
    rule: str
    risk: str
    score: float | None
    model_version: str
    reasons: list[ReasonOut]
    state: str
    created_at: datetime
    requests: list[int]

    @staticmethod
    def of(proposal: BlockProposal) -> ProposalOut:
        return ProposalOut(
            id=proposal.pk,
            kind=proposal.kind,
            value=proposal.value,
            rule=str(proposal.rule_version),
            risk=proposal.risk,
            score=proposal.score,
            model_version=proposal.model_version,
            reasons=[ReasonOut(**r) for r in proposal.reasons],
            state=proposal.state,
            created_at=proposal.created_at,
            requests=[r.pk for r in proposal.requests.all()],
        )


class DecisionIn(Schema):
    note: str = ""


class PrecisionOut(Schema):
    version: str
    warnings: int
    confirmed: int
    false_alarms: int
    pending: int
    precision: float | None


class PrecisionTableOut(Schema):
    by_rule_version: list[PrecisionOut]
    by_model_version: list[PrecisionOut]


class BacktestOut(Schema):
    id: int
    since: datetime
    until: datetime
    events: int = Field(description="stored events of the period the rule's unit received")
    warnings: int
    subjects: int = Field(description="distinct numbers or accounts warned about")
    confirmed: int = Field(description="subjects later outcomes confirmed")
    false_alarms: int
    precision: float | None
    ran_at: datetime
    ran_by: str

    @staticmethod
    def of(backtest: Backtest) -> BacktestOut:
        return BacktestOut(
            id=backtest.pk,
            since=backtest.since,
            until=backtest.until,
            events=backtest.events,
            warnings=backtest.warnings,
            subjects=backtest.subjects,
            confirmed=backtest.confirmed,
            false_alarms=backtest.false_alarms,
            precision=backtest.precision,
            ran_at=backtest.ran_at,
            ran_by=backtest.ran_by.username,
        )


class VersionOut(Schema):
    id: int
    rule: int = Field(description="the rule's id")
    version: int
    name: str
    fraud_type: str
    definition: dict[str, Any] = Field(description="the rule as the engine reads it")
    created_at: datetime
    created_by: str
    backtests: list[BacktestOut] = Field(description="newest first")

    @staticmethod
    def of(version: RuleVersion) -> VersionOut:
        return VersionOut(
            id=version.pk,
            rule=version.rule_id,
            version=version.version,
            name=version.name,
            fraud_type=version.fraud_type,
            definition=version.definition,
            created_at=version.created_at,
            created_by=version.created_by.username,
            backtests=[BacktestOut.of(b) for b in version.backtests.all()],
        )


class RuleOut(Schema):
    id: int
    rule_id: str
    unit: str = Field(description="code of the unit whose events the rule reads")
    active_version: int | None = Field(description="the version switched on; null when off")
    editable: bool = Field(description="false for a rule of a unit above the caller's")
    versions: list[VersionOut] = Field(description="newest first")

    @staticmethod
    def of(rule: WarningRule, *, editable: bool) -> RuleOut:
        active = rule.active_version
        return RuleOut(
            id=rule.pk,
            rule_id=rule.rule_id,
            unit=rule.unit.code,
            active_version=active.version if active is not None else None,
            editable=editable,
            versions=[VersionOut.of(v) for v in rule.versions.all()],
        )


class VersionIn(Schema):
    definition: dict[str, Any] = Field(
        description="the rule (when, window, flag, risk ...; see docs/scoring.md); id and "
        "version are set by the platform"
    )
    fraud_type: str = Field("other", description="picks the call script of its victim tasks")


class RuleIn(VersionIn):
    rule_id: str = Field(min_length=1, max_length=64, description="unique within the unit")
    unit: str | None = Field(
        None, description="unit code, within the caller's jurisdiction; the caller's own by default"
    )


class BacktestIn(Schema):
    since: IsoDateTime = Field(description="ISO 8601 with offset")
    until: IsoDateTime
