"""Fund tracing over HTTP: /api/v1/antifraud/trace/. Import a bank statement for a report, run
a trace from one of its transfers, read a trace, send freeze requests from a trace. Scoped
like the report: 404 outside it; partner desks get nothing."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from shouwang.antifraud.queries import access_report
from shouwang.antifraud.schemas import RequestOut
from shouwang.antifraud.tracing.actions import (
    MatchParameters,
    do_import_statement,
    do_run_trace,
    do_send_trace_freezes,
)
from shouwang.antifraud.tracing.presenters import freeze_list
from shouwang.antifraud.tracing.queries import access_trace, access_transfer, mapping_banks
from shouwang.antifraud.tracing.schemas import FreezeIn, StatementOut, TraceIn, TraceOut
from shouwang.common.api import ERRORS, api_user

router = Router(tags=["antifraud-trace"])


@router.post(
    "/reports/{int:report_id}/statements",
    response={201: StatementOut, **ERRORS},
    summary="Import a bank statement for a report (multipart)",
)
def import_statement(
    request: HttpRequest, report_id: int, organisation: Form[int], file: File[UploadedFile]
) -> Status[StatementOut]:
    """All rows or none: a 422 lists each problem by row and column (`detail.file`). When the
    bank's layout has a balance column, `balance_breaks` lists where the balance shows rows
    missing; the statement is imported all the same."""
    actor = api_user(request)
    report = access_report(actor, report_id)
    bank = mapping_banks(actor).filter(pk=organisation).first()
    if bank is None:
        raise ValidationError({"organisation": _("该机构尚未设置流水格式。")})
    statement = do_import_statement(
        report, organisation=bank, filename=file.name or "", content=file.read(), actor=actor
    )
    return Status(201, StatementOut.of(statement))


@router.post(
    "/reports/{int:report_id}/traces",
    response={201: TraceOut, **ERRORS},
    summary="Trace a report's transfer through its statements",
)
def run_trace(request: HttpRequest, report_id: int, payload: TraceIn) -> Status[TraceOut]:
    """Runs the tracing engine on the report's transactions and saves the trace (audited)."""
    actor = api_user(request)
    report = access_report(actor, report_id)
    transfer = access_transfer(actor, report, payload.transfer)
    trace = do_run_trace(
        report,
        transfer=transfer,
        rule=payload.rule,
        max_hops=payload.max_hops,
        window_hours=payload.window_hours,
        match=MatchParameters(
            within_hours=payload.match_within_hours,
            fee_percent=payload.match_fee_percent,
            skips=payload.match_skips,
        ),
        actor=actor,
    )
    return Status(201, TraceOut.of(trace))


@router.get("/traces/{int:trace_id}", response={200: TraceOut, **ERRORS}, summary="A trace")
def get_trace(request: HttpRequest, trace_id: int) -> TraceOut:
    return TraceOut.of(access_trace(api_user(request), trace_id))


@router.post(
    "/traces/{int:trace_id}/freezes",
    response={201: list[RequestOut], **ERRORS},
    summary="Send freeze requests for accounts of a trace's freeze list",
)
def send_freezes(
    request: HttpRequest, trace_id: int, payload: FreezeIn
) -> Status[list[RequestOut]]:
    """`accounts` names them; or `top` takes the first N of the freeze list not yet sent."""
    actor = api_user(request)
    trace = access_trace(actor, trace_id)
    accounts = list(payload.accounts)
    if payload.top:
        accounts += [row.account for row in freeze_list(trace) if not row.sent][: payload.top]
    created = do_send_trace_freezes(trace, accounts=accounts, actor=actor)
    return Status(201, [RequestOut.of(r) for r in created])
