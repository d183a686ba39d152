"""Fund tracing's API shapes."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from ninja import Schema
from pydantic import Field

from shouwang.antifraud.tracing.models import Statement, Trace, TraceRule
from shouwang.antifraud.tracing.presenters import (
    breaks_on_path,
    flow_rows,
    freeze_list,
    opening_rows,
)


class BalanceBreakOut(Schema):
    account: str
    rows: list[int] = Field(description="the two neighbouring spreadsheet rows, in file order")
    amount: float = Field(
        description="how much the balance moves between them beyond what the rows explain: "
        "positive is money in that no row shows, negative money out (rows are missing)"
    )


class StatementOut(Schema):
    id: int
    report_id: int
    organisation: str
    filename: str
    row_count: int
    imported_at: datetime
    balance_checked: bool = Field(
        description="the bank's layout has a balance column (余额): continuity was checked"
    )
    balance_breaks: list[BalanceBreakOut] = Field(
        description="where the balance is not continuous; empty when continuous or unchecked"
    )

    @staticmethod
    def of(statement: Statement) -> StatementOut:
        return StatementOut(
            id=statement.pk,
            report_id=statement.report_id,
            organisation=statement.organisation.name,
            filename=statement.filename,
            row_count=statement.row_count,
            imported_at=statement.imported_at,
            balance_checked=statement.balance_checked,
            balance_breaks=[BalanceBreakOut(**b) for b in statement.balance_breaks],
        )


class TraceIn(Schema):
    transfer: int = Field(description="id of one of the report's transfers to trace from")
    rule: TraceRule = TraceRule.FIFO
    max_hops: int = Field(6, ge=1, le=12)
    window_hours: int = Field(72, ge=1, le=720)
    match_within_hours: int = Field(
        72, ge=1, le=720, description="match rule: hours from the first payment in to the last out"
    )
    match_fee_percent: Decimal = Field(
        Decimal(3), ge=0, le=20, description="match rule: at most this much less goes out (%)"
    )
    match_skips: int = Field(
        2, ge=0, le=4, description="match rule: other payments of the account that may be left out"
    )


class FreezeRowOut(Schema):
    rank: int
    account: str
    bank: str = Field(description="the bank that holds the account, as the statements name it")
    desk: str = Field(description="the partner desk a freeze request goes to; empty for none")
    amount: float = Field(description="victim money the account holds at the end of the trace")
    hops: int
    sent: bool


class FlowOut(Schema):
    hop: int
    txn_id: str
    from_account: str = Field(description="masked when it is the victim's own account")
    to_account: str
    time: str
    amount: float
    attributed: float
    channel: str | None
    bank: str | None
    cash_out: bool


class PathGapOut(BalanceBreakOut):
    filename: str = Field(description="the statement the break is in")


class OpeningOut(Schema):
    account: str
    amount: float = Field(description="money of its own the balance showed beyond the rows")
    time: datetime = Field(description="the row whose balance showed it")


class TraceOut(Schema):
    id: int
    reference: str
    report_id: int
    transfer_id: int | None
    start_account: str
    start_amount: Decimal
    start_time: datetime
    rule: TraceRule
    max_hops: int
    window_hours: int
    match_within_hours: int | None = Field(description="match rule only")
    match_fee_percent: Decimal | None = Field(description="match rule only")
    match_skips: int | None = Field(description="match rule only")
    transaction_count: int
    created_at: datetime
    freeze_list: list[FreezeRowOut]
    flows: list[FlowOut]
    cashed_out: float
    beyond_limits: float
    openings: list[OpeningOut] = Field(
        description="accounts whose statement balance (余额) showed money the rows did not"
    )
    gaps: list[PathGapOut] = Field(
        description="balance breaks in the statements of accounts the money reached, as the "
        "statements are now: rows missing there may hide where it went"
    )

    @staticmethod
    def of(trace: Trace) -> TraceOut:
        flows = [
            FlowOut(**{**{k: f[k] for k in FlowOut.model_fields}, "from_account": f["from_shown"]})
            for f in flow_rows(trace)
        ]
        return TraceOut(
            id=trace.pk,
            reference=trace.reference,
            report_id=trace.report_id,
            transfer_id=trace.transfer_id,
            start_account=trace.start_account,
            start_amount=trace.start_amount,
            start_time=trace.start_time,
            rule=TraceRule(trace.rule),
            max_hops=trace.max_hops,
            window_hours=trace.window_hours,
            match_within_hours=trace.match_within_hours,
            match_fee_percent=trace.match_fee_percent,
            match_skips=trace.match_skips,
            transaction_count=trace.transaction_count,
            created_at=trace.created_at,
            freeze_list=[FreezeRowOut(**vars(row)) for row in freeze_list(trace)],
            flows=flows,
            openings=[
                OpeningOut(account=o["account"], amount=round(o["amount"], 2), time=o["time"])
                for o in opening_rows(trace)
            ],
            gaps=[PathGapOut(**g) for g in breaks_on_path(trace)],
            cashed_out=round(sum(c["amount"] for c in trace.result.get("cash_outs", [])), 2),
            beyond_limits=round(trace.result.get("beyond_limits", 0.0), 2),
        )


class FreezeIn(Schema):
    accounts: list[str] = Field(
        default_factory=list, description="accounts of the freeze list to send; or use top"
    )
    top: int | None = Field(
        None, ge=1, le=100, description="send the first N accounts of the freeze list not yet sent"
    )
