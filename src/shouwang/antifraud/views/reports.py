"""The centre's pages: the report list, registering a report, the report (case view) with its
requests, 止损 figure, linked reports and network graph; indicators and clusters."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shouwang.antifraud.actions import (
    do_accept_report,
    do_answer_request,
    do_cancel_request,
    do_confirm_indicator,
    do_register_report,
    do_unconfirm_indicator,
)
from shouwang.antifraud.choices import (
    ACCOUNT_KIND_CHOICES,
    FraudType,
    IndicatorKind,
    ReportChannel,
    RequestState,
)
from shouwang.antifraud.filters import ReportFilter, parse_params
from shouwang.antifraud.intake import INSTITUTION_KINDS, form_data, parse_report
from shouwang.antifraud.models import FraudReport, PartnerRequest
from shouwang.antifraud.network import clusters, linked_reports, network
from shouwang.antifraud.queries import (
    access_indicator,
    access_report,
    access_request,
    reports_for_user,
    requests_for_user,
)
from shouwang.antifraud.stats import stop_loss_rate
from shouwang.antifraud.views.common import actor_of, error_dict
from shouwang.antifraud.warning.queries import score_of_number, warnings_about
from shouwang.cases.actions import do_add_evidence, do_cancel_case, do_close_case
from shouwang.cases.choices import EvidenceStage
from shouwang.common.errors import NotPermitted
from shouwang.common.htmx import render_page_or_partial
from shouwang.common.paging import CappedPaginator
from shouwang.orgs.choices import UnitKind
from shouwang.orgs.models import Organisation
from shouwang.orgs.roles import Cap
from shouwang.orgs.scoping import unit_by_code, units_for_user

SPARE_INDICATOR_ROWS = 4
SPARE_TRANSFER_ROWS = 3


@login_required
@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request, Cap.FRAUD_VIEW)
    report_filter, errors = parse_params(ReportFilter, request.GET)
    reports = report_filter.apply(reports_for_user(actor)).select_related("unit")
    page = CappedPaginator(reports, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "filter": report_filter,
        "filter_errors": errors,
        "fraud_types": FraudType.choices,
        "channels": ReportChannel.choices,
        "query": query.urlencode(),
    }
    return render_page_or_partial(
        request, "antifraud/report_list.html", "antifraud/partials/report_rows.html", context
    )


def rows_with_errors(
    rows: list[dict[str, Any]], prefix: str, spare: int, errors: dict[str, list[str]]
) -> list[dict[str, Any]]:
    """Each form row with the messages of its fields (`indicators.1.value` -> row 1)."""
    out = []
    for n, row in enumerate([*rows, *([{}] * spare)]):
        key = f"{prefix}.{n}."
        row_errors = [m for k, msgs in errors.items() if k.startswith(key) for m in msgs]
        out.append({"n": n, "v": row, "errors": row_errors})
    return out


def form_context(
    post: Any = None, errors: dict[str, list[str]] | None = None, spare: tuple[int, int] = (4, 3)
) -> dict[str, Any]:
    """What the report form needs, for the desk page and the public page alike."""
    errors = errors or {}
    data = form_data(post) if post is not None else {"indicators": [], "transfers": []}
    return {
        "data": data,
        "indicator_rows": rows_with_errors(data["indicators"], "indicators", spare[0], errors),
        "transfer_rows": rows_with_errors(data["transfers"], "transfers", spare[1], errors),
        "errors": errors,
        "fraud_types": FraudType.choices,
        "indicator_kinds": IndicatorKind.choices,
        "account_kinds": ACCOUNT_KIND_CHOICES,
        "institutions": Organisation.objects.filter(kind__in=INSTITUTION_KINDS).order_by("name"),
        "now": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
    }


def _form_context(
    actor: Any, post: Any = None, errors: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    context = form_context(post, errors, (SPARE_INDICATOR_ROWS, SPARE_TRANSFER_ROWS))
    context["channels"] = [
        (k, label)
        for k, label in ReportChannel.choices
        if k in {ReportChannel.DESK, ReportChannel.CALL_110}
    ]
    context["units"] = (
        units_for_user(actor)
        .filter(kind__in=[UnitKind.STATION, UnitKind.DISTRICT, UnitKind.CITY])
        .order_by("path")[:300]
    )
    context["post"] = post or {}
    return context


@login_required
@require_http_methods(["GET", "POST"])
def report_new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request, Cap.FRAUD_REPORT)
    if actor.is_outside_party:
        raise PermissionDenied
    if request.method == "POST":
        try:
            data = parse_report(form_data(request.POST))
            unit = None
            code = request.POST.get("unit", "").strip()
            if code:
                unit = unit_by_code(actor, code)
                if unit is None:
                    raise ValidationError({"unit": _("只能登记本辖区的报案。")})
            report = do_register_report(
                data,
                channel=request.POST.get("channel") or ReportChannel.DESK,
                unit=unit,
                actor=actor,
            )
        except NotPermitted:
            raise PermissionDenied from None
        except ValidationError as exc:
            context = _form_context(actor, request.POST, error_dict(exc))
            return render(request, "antifraud/report_form.html", context, status=422)
        messages.success(
            request,
            _("已登记报案 %(ref)s,已发出 %(n)d 条协查请求。")
            % {"ref": report.reference, "n": report.requests.count()},
        )
        return redirect("antifraud:report-detail", report.pk)
    return render(request, "antifraud/report_form.html", _form_context(actor))


# Files a desk officer attaches in one go: a victim's screenshots of one chat, say.
MAX_MATERIAL_FILES = 10


def _detail_context(actor: Any, report: FraudReport) -> dict[str, Any]:
    requests = list(
        report.requests.select_related(
            "indicator", "organisation", "answered_by", "escalated_to"
        ).order_by("pk")
    )
    frozen = sum(
        (r.amount_frozen or Decimal(0) for r in requests if r.state == RequestState.DONE),
        Decimal(0),
    )
    events: list[dict[str, Any]] = [
        {"at": t.at, "text": t.get_action_display(), "who": t.actor, "note": t.note}
        for t in report.transitions.select_related("actor").all()
    ]
    for r in requests:
        events.append(
            {
                "at": r.created_at,
                "text": _("发出%(type)s请求 → %(org)s")
                % {"type": r.get_type_display(), "org": r.organisation or _("(无对接机构)")},
                "who": None,
                "note": r.indicator.value,
            }
        )
        if r.answered_at:
            events.append(
                {
                    "at": r.answered_at,
                    "text": _("%(org)s 答复:%(state)s")
                    % {"org": r.organisation or _("反诈中心"), "state": r.get_state_display()},
                    "who": r.answered_by,
                    "note": (_("冻结 %(amount)s 元") % {"amount": r.amount_frozen})
                    if r.amount_frozen is not None
                    else r.failure_reason,
                }
            )
        if r.escalated_to_id:
            events.append(
                {
                    "at": r.deadline,
                    "text": _("超时未答复,已上报 %(unit)s") % {"unit": r.escalated_to},
                    "who": None,
                    "note": r.reference,
                }
            )
    events.sort(key=lambda e: e["at"])
    return {
        "report": report,
        "requests": requests,
        "transfers": list(report.transfers.select_related("to_indicator")),
        "links": list(report.indicator_links.select_related("indicator", "institution")),
        "frozen": frozen,
        "rate": stop_loss_rate(report.loss_amount, frozen),
        "linked": linked_reports(actor, report),
        "events": events,
        "now": timezone.now(),
        "can_manage": actor.can(Cap.FRAUD_MANAGE),
        "materials": list(report.evidence.select_related("uploaded_by")),
        "can_upload": actor.can(Cap.FRAUD_REPORT) and report.is_open,
        "max_files": MAX_MATERIAL_FILES,
        "pending": report.accepted_at is None,
        "accept_units": units_for_user(actor).filter(kind=UnitKind.STATION).order_by("path")[:300]
        if report.accepted_at is None
        else [],
    }


@login_required
@require_GET
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    report = access_report(actor, pk)
    return render(request, "antifraud/report_detail.html", _detail_context(actor, report))


@login_required
@require_GET
def report_network(request: HttpRequest, pk: int) -> JsonResponse:
    actor = actor_of(request)
    report = access_report(actor, pk)
    graph = network(actor, report)
    for node in graph["nodes"]:
        prefix = "antifraud:report-detail" if node["id"].startswith("r") else "antifraud:indicator"
        node["url"] = reverse(prefix, args=[node["url"]])
    return JsonResponse(graph)


def _back(request: HttpRequest, report: FraudReport) -> HttpResponse:
    return redirect("antifraud:report-detail", report.pk)


@login_required
@require_POST
def report_accept(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request, Cap.FRAUD_MANAGE)
    report = access_report(actor, pk)
    unit = unit_by_code(actor, request.POST.get("unit", ""))
    try:
        if unit is None:
            raise ValidationError({"unit": _("请选择承办派出所。")})
        do_accept_report(report, unit=unit, note=request.POST.get("note", ""), actor=actor)
    except NotPermitted:
        raise PermissionDenied from None
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已受理,协查请求已发出。"))
    return _back(request, report)


@login_required
@require_POST
def report_materials(request: HttpRequest, pk: int) -> HttpResponse:
    """Attach what the victim brought (chat screenshots, transfer receipts, a PDF statement):
    several files at once, all stored or none."""
    actor = actor_of(request, Cap.FRAUD_REPORT)
    report = access_report(actor, pk)
    uploads = request.FILES.getlist("file")
    try:
        if not uploads:
            raise ValidationError(_("请选择要上传的文件。"))
        if len(uploads) > MAX_MATERIAL_FILES:
            raise ValidationError(_("一次最多上传 %(n)d 个文件。") % {"n": MAX_MATERIAL_FILES})
        with transaction.atomic():
            for upload in uploads:
                try:
                    do_add_evidence(
                        report, upload=upload, stage=EvidenceStage.MATERIAL, actor=actor
                    )
                except ValidationError as exc:
                    message = " ".join(exc.messages)
                    raise ValidationError(f"{upload.name}: {message}") from None
    except NotPermitted:
        raise PermissionDenied from None
    except ValidationError as exc:  # an ActionError too: the report is closed
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            ngettext("已上传 %(n)d 个文件。", "已上传 %(n)d 个文件。", len(uploads))
            % {"n": len(uploads)},
        )
    return _back(request, report)


@login_required
@require_POST
def report_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """Close a report (结案) or cancel it (a false or duplicate report)."""
    actor = actor_of(request, Cap.FRAUD_MANAGE)
    report = access_report(actor, pk)
    try:
        if step == "close":
            do_close_case(report, note=request.POST.get("note", ""), actor=actor)
        elif step == "cancel":
            do_cancel_case(report, reason=request.POST.get("note", ""), actor=actor)
        else:
            raise PermissionDenied
    except NotPermitted:
        raise PermissionDenied from None
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已保存。"))
    return _back(request, report)


@login_required
@require_POST
def request_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """The centre withdraws a request, or records an answer a partner gave off the system."""
    actor = actor_of(request, Cap.FRAUD_MANAGE)
    req: PartnerRequest = access_request(actor, pk)
    try:
        if step == "cancel":
            do_cancel_request(req, reason=request.POST.get("reason", ""), actor=actor)
        elif step == "answer":
            do_answer_request(
                req,
                done=request.POST.get("outcome") == "done",
                amount_frozen=request.POST.get("amount_frozen") or None,
                failure_reason=request.POST.get("failure_reason", ""),
                note=request.POST.get("note", ""),
                actor=actor,
            )
        else:
            raise PermissionDenied
    except NotPermitted:
        raise PermissionDenied from None
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已保存。"))
    if req.report_id is None:
        return redirect("antifraud:desk")
    return redirect("antifraud:report-detail", req.report_id)


@login_required
@require_http_methods(["GET", "POST"])
def indicator_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request, Cap.FRAUD_VIEW)
    indicator = access_indicator(actor, pk)
    if request.method == "POST":
        if not actor.can(Cap.FRAUD_MANAGE):
            raise PermissionDenied
        note = request.POST.get("note", "")
        try:
            if request.POST.get("step") == "confirm":
                do_confirm_indicator(indicator, note=note, actor=actor)
                messages.success(request, _("已加入黑名单。"))
            else:
                do_unconfirm_indicator(indicator, note=note, actor=actor)
                messages.success(request, _("已移出黑名单。"))
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        return redirect("antifraud:indicator", indicator.pk)
    visible = reports_for_user(actor)
    reports = (
        visible.filter(indicator_links__indicator=indicator)
        .select_related("unit")
        .order_by("-created_at")[:200]
    )
    requests = (
        requests_for_user(actor)
        .filter(indicator=indicator)
        .select_related("organisation", "report")
        .order_by("-pk")[:200]
    )
    return render(
        request,
        "antifraud/indicator.html",
        {
            "indicator": indicator,
            "reports": reports,
            "requests": requests,
            "hidden": max(indicator.report_count - len(reports), 0),
            "can_manage": actor.can(Cap.FRAUD_MANAGE),
            # What the early-warning loop knows of it: the model's score and reasons, the
            # warnings it caused.
            "score": score_of_number(indicator.value),
            "warned": warnings_about(actor, indicator.value),
        },
    )


@login_required
@require_GET
def cluster_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request, Cap.FRAUD_VIEW)
    try:
        days = min(max(int(request.GET.get("days", 90)), 1), 730)
    except ValueError:
        days = 90
    return render(
        request, "antifraud/clusters.html", {"clusters": clusters(actor, days=days), "days": days}
    )


urlpatterns: list[URLPattern] = [
    path("", report_list, name="report-list"),
    path("new/", report_new, name="report-new"),
    path("clusters/", cluster_list, name="clusters"),
    path("<int:pk>/", report_detail, name="report-detail"),
    path("<int:pk>/network.json", report_network, name="report-network"),
    path("<int:pk>/accept/", report_accept, name="report-accept"),
    path("<int:pk>/materials/", report_materials, name="report-materials"),
    path("<int:pk>/<str:step>/", report_step, name="report-step"),
    path("requests/<int:pk>/<str:step>/", request_step, name="request-step"),
    path("indicators/<int:pk>/", indicator_detail, name="indicator"),
]
