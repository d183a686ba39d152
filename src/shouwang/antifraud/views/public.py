"""The public report form (no login) and the receipt page a citizen follows the report with.

Rate limited per client address from the audit log (so the limit holds across processes);
the receipt number is shown only after the report is committed, so an acknowledged report is
never lost. The status page shows progress only, never personal data.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from shouwang.antifraud.actions import do_submit_public_report
from shouwang.antifraud.choices import RequestState
from shouwang.antifraud.intake import form_data, parse_public_report
from shouwang.antifraud.models import FraudReport
from shouwang.antifraud.views.common import error_dict
from shouwang.antifraud.views.reports import form_context
from shouwang.audit.context import current_origin
from shouwang.audit.log import record
from shouwang.audit.models import AuditEvent

PUBLIC_ACTION = "fraud.public_report"


def _throttled() -> bool:
    ip = current_origin().ip
    if not ip:
        return False
    window = timedelta(seconds=int(settings.FRAUD_PUBLIC_WINDOW_SECONDS))
    recent = AuditEvent.objects.filter(
        action=PUBLIC_ACTION, ip=ip, at__gte=timezone.now() - window
    ).count()
    return recent >= int(settings.FRAUD_PUBLIC_LIMIT)


@require_http_methods(["GET", "POST"])
def public_report(request: HttpRequest) -> HttpResponse:
    context = form_context(spare=(3, 2))
    if request.method == "POST":
        if _throttled():
            context["errors"] = {"general": [_("提交过于频繁,请稍后再试;紧急情况请拨打 110。")]}
            return render(request, "antifraud/public_form.html", context, status=429)
        data = {**form_data(request.POST), "contact_phone": request.POST.get("contact_phone", "")}
        try:
            report_input, phone = parse_public_report(data)
            report = do_submit_public_report(report_input, contact_phone=phone)
        except ValidationError as exc:
            context = form_context(request.POST, error_dict(exc), spare=(2, 1))
            context["post"] = request.POST
            return render(request, "antifraud/public_form.html", context, status=422)
        record(None, PUBLIC_ACTION, report, unit=report.unit)
        return render(request, "antifraud/public_done.html", {"ack": report.ack_number})
    return render(request, "antifraud/public_form.html", context)


@require_http_methods(["GET"])
def public_status(request: HttpRequest) -> HttpResponse:
    ack = request.GET.get("ack", "").strip().upper()[:16]
    report = FraudReport.objects.filter(ack_number=ack).first() if ack else None
    context: dict[str, object] = {"ack": ack, "found": report is not None}
    if report is not None:
        requests = report.requests.all()
        context.update(
            received_at=report.created_at,
            accepted=report.accepted_at is not None,
            closed=report.state in {"closed", "cancelled"},
            requests_sent=requests.count(),
            requests_done=requests.filter(state=RequestState.DONE).count(),
        )
    status = 404 if ack and report is None else 200
    return render(request, "antifraud/public_status.html", context, status=status)


urlpatterns: list[URLPattern] = [
    path("report/", public_report, name="public-report"),
    path("report/status/", public_status, name="public-status"),
]
