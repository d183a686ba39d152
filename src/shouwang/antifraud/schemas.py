"""Typed shapes of the anti-fraud API. Amounts and times arrive as text and are checked by
`antifraud.intake`, the same code that checks the pages' forms, so both give the same errors
(`transfers.1.amount`: "金额不能为负数。")."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ninja import Schema
from pydantic import Field

from shouwang.antifraud.choices import FraudType, IndicatorKind, RequestState, RequestType
from shouwang.common.masking import mask_name, mask_phone

if TYPE_CHECKING:
    from shouwang.antifraud.blocklist import LookupResult
    from shouwang.antifraud.models import FraudReport, PartnerRequest


class IndicatorIn(Schema):
    kind: IndicatorKind
    value: str = Field(max_length=300, description="as written; normalised by the server")
    institution: int | None = Field(
        None, description="the partner bank or payment company holding an account (its id)"
    )
    institution_name: str = Field("", max_length=100, description="when not a partner")


class TransferIn(Schema):
    to_kind: IndicatorKind = IndicatorKind.BANK_CARD
    to_account: str = Field(max_length=300)
    to_institution: int | None = None
    to_institution_name: str = Field("", max_length=100)
    amount: str = Field(
        description="yuan, up to two decimals, greater than zero", examples=["5000.00"]
    )
    at: str = Field(
        description="ISO 8601 time of the transfer", examples=["2026-11-23T10:05:00+08:00"]
    )
    from_account: str = Field("", max_length=64, description="the victim's own account")
    from_institution: str = Field("", max_length=100)


class ReportIn(Schema):
    fraud_type: FraudType
    occurred_at: str = Field(description="ISO 8601", examples=["2026-11-23T09:30:00+08:00"])
    loss_amount: str = Field("0", description="yuan; at least the sum of the transfers")
    narrative: str = Field("", max_length=4000)
    victim_name: str = Field("", max_length=50)
    victim_phone: str = Field("", max_length=32)
    victim_id_number: str = Field("", max_length=32)
    indicators: list[IndicatorIn] = Field(default_factory=list, max_length=50)
    transfers: list[TransferIn] = Field(default_factory=list, max_length=100)
    unit: str = Field("", description="code of the registering unit; the caller's own by default")
    channel: str = Field("api", description="desk, call_110 or api")

    def as_data(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class RequestOut(Schema):
    id: int
    reference: str
    report_id: int | None
    source: str
    type: RequestType
    indicator_kind: IndicatorKind
    indicator: str
    organisation: str | None
    amount_requested: Decimal | None
    state: RequestState
    created_at: datetime
    deadline: datetime
    is_late: bool
    answered_at: datetime | None
    amount_frozen: Decimal | None
    failure_reason: str
    partner_reference: str

    @staticmethod
    def of(req: PartnerRequest) -> RequestOut:
        return RequestOut(
            id=req.pk,
            reference=req.reference,
            report_id=req.report_id,
            source=req.source,
            type=RequestType(req.type),
            indicator_kind=IndicatorKind(req.indicator.kind),
            indicator=req.indicator.value,
            organisation=req.organisation.name if req.organisation else None,
            amount_requested=req.amount_requested,
            state=RequestState(req.state),
            created_at=req.created_at,
            deadline=req.deadline,
            is_late=req.is_late,
            answered_at=req.answered_at,
            amount_frozen=req.amount_frozen,
            failure_reason=req.failure_reason,
            partner_reference=req.partner_reference,
        )


class ReportOut(Schema):
    id: int
    reference: str
    ack_number: str
    fraud_type: FraudType
    channel: str
    state: str
    grade: str
    unit: str
    occurred_at: datetime
    created_at: datetime
    loss_amount: Decimal
    frozen_amount: Decimal
    victim_name: str = Field(description="masked")
    victim_phone: str = Field(description="masked")
    requests: list[RequestOut]

    @staticmethod
    def of(report: FraudReport, requests: list[PartnerRequest]) -> ReportOut:
        frozen = sum((r.amount_frozen or Decimal(0) for r in requests), Decimal(0))
        return ReportOut(
            id=report.pk,
            reference=report.reference,
            ack_number=report.ack_number,
            fraud_type=FraudType(report.fraud_type),
            channel=report.channel,
            state=report.state,
            grade=report.grade,
            unit=report.unit.code,
            occurred_at=report.occurred_at,
            created_at=report.created_at,
            loss_amount=report.loss_amount,
            frozen_amount=frozen,
            victim_name=mask_name(report.victim_name),
            victim_phone=mask_phone(report.victim_phone),
            requests=[RequestOut.of(r) for r in requests],
        )


class AnswerIn(Schema):
    done: bool
    amount_frozen: str | None = Field(None, description="yuan; for a completed freeze")
    failure_reason: str = Field("", max_length=200)
    note: str = Field("", max_length=2000)
    partner_reference: str = Field("", max_length=64, description="the partner's own ticket")


class CancelIn(Schema):
    reason: str = Field(max_length=2000)


class NoteIn(Schema):
    note: str = Field(max_length=200)


class LookupOut(Schema):
    kind: IndicatorKind
    value: str = Field(description="normalised")
    known: bool = Field(description="named in at least one report")
    confirmed: bool = Field(description="on the blocklist")
    report_count: int
    first_seen: datetime | None
    last_seen: datetime | None
    confirmed_at: datetime | None
    references: list[str] = Field(
        description="the latest reports naming it (up to 20); empty for partner desks"
    )

    @staticmethod
    def of(result: LookupResult) -> LookupOut:
        return LookupOut(
            kind=IndicatorKind(result.kind),
            value=result.value,
            known=result.known,
            confirmed=result.confirmed,
            report_count=result.report_count,
            first_seen=result.first_seen,
            last_seen=result.last_seen,
            confirmed_at=result.confirmed_at,
            references=result.references,
        )
