"""API shapes of the warning loop. The person's phone and name are masked here as on pages;
revealing one goes through the audited reveal."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Schema
from pydantic import Field

from shouwang.antifraud.warning.models import BlockProposal, WarningTask
from shouwang.common.masking import mask_name, mask_phone


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
