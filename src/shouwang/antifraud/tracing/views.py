"""Fund tracing's pages: a report's tracing workspace (statements, transfers to trace from,
earlier traces), one trace (graph, flows, freeze list and the send action) and the banks'
statement layouts. Every object comes through the report's scope: 404 outside it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shouwang.antifraud.models import FraudReport
from shouwang.antifraud.queries import access_report
from shouwang.antifraud.tracing.actions import (
    MatchParameters,
    do_import_statement,
    do_run_trace,
    do_save_mapping,
    do_send_trace_freezes,
)
from shouwang.antifraud.tracing.forms import (
    COLUMN_FIELDS,
    COLUMN_LABELS,
    mapping_as_form,
    mapping_from_form,
    trace_parameters,
)
from shouwang.antifraud.tracing.models import StatementMapping, TraceRule, break_shown
from shouwang.antifraud.tracing.presenters import (
    breaks_on_path,
    flow_rows,
    freeze_list,
    graph,
    opening_rows,
)
from shouwang.antifraud.tracing.queries import (
    access_trace,
    access_transfer,
    mapping_banks,
    statements_of,
)
from shouwang.antifraud.tracing.routing import DESK_KINDS
from shouwang.antifraud.views.common import actor_of, error_dict
from shouwang.common.errors import NotPermitted
from shouwang.orgs.models import Organisation
from shouwang.orgs.roles import Cap

# Rows of the freeze list ticked for sending when the page opens.
PRESELECTED = 5


def _workspace(actor: Any, report: FraudReport, request: HttpRequest) -> dict[str, Any]:
    transfers = list(report.transfers.select_related("to_indicator"))
    chosen = request.GET.get("transfer", "")
    return {
        "report": report,
        "statements": list(statements_of(report)),
        "banks": list(mapping_banks(actor)),
        # Who may save a bank's layout (see mapping_list): the empty bank list links there.
        "can_edit_layouts": actor.can(Cap.FRAUD_MANAGE) and not actor.is_outside_party,
        "statement_errors": {},
        "transfers": transfers,
        "chosen": int(chosen) if chosen.isdigit() else (transfers[0].pk if transfers else None),
        "traces": list(report.traces.select_related("created_by", "transfer")[:50]),
        "rules": TraceRule.choices,
        "match_defaults": MatchParameters(),
        "can_trace": actor.can(Cap.TRACE_RUN),
    }


@login_required
@require_GET
def report_trace(request: HttpRequest, report_pk: int) -> HttpResponse:
    actor = actor_of(request)
    report = access_report(actor, report_pk)
    return render(request, "fraud_tracing/report.html", _workspace(actor, report, request))


def _show_errors(request: HttpRequest, exc: ValidationError) -> None:
    for texts in error_dict(exc).values():
        for text in texts:
            messages.error(request, text)


@login_required
@require_POST
def statement_import(request: HttpRequest, report_pk: int) -> HttpResponse:
    """Import a statement; when it fails, the workspace again with each error beside its field
    (bank, file) and at the top of the page."""
    actor = actor_of(request, Cap.TRACE_RUN)
    report = access_report(actor, report_pk)
    upload = request.FILES.get("file")
    chosen = request.POST.get("organisation", "")
    bank = mapping_banks(actor).filter(pk=int(chosen) if chosen.isdigit() else 0).first()
    try:
        if bank is None or upload is None:
            missing: dict[str, str] = {}
            if bank is None:
                missing["organisation"] = _("请选择银行。")
            if upload is None:
                missing["file"] = _("请选择流水文件。")
            raise ValidationError(missing)
        statement = do_import_statement(
            report,
            organisation=bank,
            filename=upload.name or "statement",
            content=upload.read(),
            actor=actor,
        )
    except NotPermitted:
        raise PermissionDenied from None
    except ValidationError as exc:
        _show_errors(request, exc)
        context = _workspace(actor, report, request)
        context["statement_errors"] = error_dict(exc)
        context["chosen_bank"] = bank.pk if bank else None
        return render(request, "fraud_tracing/report.html", context, status=422)
    imported = {"file": statement.filename, "n": statement.row_count}
    messages.success(request, _("已导入 %(file)s：%(n)d 笔交易。") % imported)
    if statement.balance_breaks:
        breaks = {"file": statement.filename, "n": len(statement.balance_breaks)}
        messages.warning(
            request,
            _("%(file)s 的余额有 %(n)d 处不连续，流水可能缺页，详见银行流水列表。") % breaks,
        )
    return redirect("fraud_tracing:report", report.pk)


@login_required
@require_POST
def trace_run(request: HttpRequest, report_pk: int) -> HttpResponse:
    actor = actor_of(request, Cap.TRACE_RUN)
    report = access_report(actor, report_pk)
    raw = request.POST.get("transfer", "")
    transfer = access_transfer(actor, report, int(raw) if raw.isdigit() else 0)
    try:
        trace = do_run_trace(
            report, transfer=transfer, actor=actor, **trace_parameters(request.POST)
        )
    except NotPermitted:
        raise PermissionDenied from None
    except ValidationError as exc:
        _show_errors(request, exc)
        return redirect("fraud_tracing:report", report.pk)
    return redirect("fraud_tracing:trace", trace.pk)


@login_required
@require_GET
def trace_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    trace = access_trace(actor, pk)
    result = trace.result
    context = {
        "trace": trace,
        "report": trace.report,
        "freeze": freeze_list(trace),
        "flows": flow_rows(trace),
        "cash_outs": result.get("cash_outs", []),
        "beyond": result.get("beyond_limits", 0.0),
        "openings": opening_rows(trace),
        "gaps": [{**break_shown(g), "filename": g["filename"]} for g in breaks_on_path(trace)],
        "preselected": PRESELECTED,
        "can_send": actor.can(Cap.FRAUD_MANAGE),
    }
    return render(request, "fraud_tracing/trace.html", context)


@login_required
@require_GET
def trace_graph(request: HttpRequest, pk: int) -> JsonResponse:
    return JsonResponse(graph(access_trace(actor_of(request), pk)))


@login_required
@require_POST
def trace_freeze(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request, Cap.FRAUD_MANAGE)
    trace = access_trace(actor, pk)
    try:
        created = do_send_trace_freezes(
            trace, accounts=request.POST.getlist("account"), actor=actor
        )
    except NotPermitted:
        raise PermissionDenied from None
    except ValidationError as exc:
        _show_errors(request, exc)
    else:
        messages.success(request, _("已发出 %(n)d 条冻结请求。") % {"n": len(created)})
    return redirect("fraud_tracing:trace", trace.pk)


@login_required
@require_GET
def mapping_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request, Cap.FRAUD_MANAGE)
    if actor.is_outside_party:
        raise Http404
    banks = Organisation.objects.filter(kind__in=DESK_KINDS).order_by("name")
    saved = set(StatementMapping.objects.values_list("organisation_id", flat=True))
    rows = [(bank, bank.pk in saved) for bank in banks]
    return render(request, "fraud_tracing/mappings.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def mapping_edit(request: HttpRequest, org_pk: int) -> HttpResponse:
    actor = actor_of(request, Cap.FRAUD_MANAGE)
    bank = Organisation.objects.filter(pk=org_pk, kind__in=DESK_KINDS).first()
    if bank is None or actor.is_outside_party:
        raise Http404
    errors: dict[str, list[str]] = {}
    saved = StatementMapping.objects.filter(organisation=bank).first()
    values: dict[str, Any] = mapping_as_form(saved.mapping if saved else {})
    if request.method == "POST":
        try:
            do_save_mapping(bank, mapping_from_form(request.POST), actor=actor)
        except NotPermitted:
            raise PermissionDenied from None
        except ValidationError as exc:
            errors = error_dict(exc)
            values = {k: request.POST.get(k, "") for k in values}
        else:
            messages.success(request, _("已保存%(bank)s的流水格式。") % {"bank": bank.name})
            return redirect("fraud_tracing:mappings")
    columns = [
        (name, COLUMN_LABELS[name], values.get(name, ""), errors.get(name, []))
        for name in COLUMN_FIELDS
    ]
    context = {"bank": bank, "values": values, "errors": errors, "columns": columns}
    return render(
        request, "fraud_tracing/mapping_form.html", context, status=422 if errors else 200
    )
