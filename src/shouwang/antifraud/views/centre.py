"""The centre dashboard and the blocklist page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET

from shouwang.antifraud.blocklist import blocklist_csv_response, blocklist_for, kinds_for, lookup
from shouwang.antifraud.choices import IndicatorKind
from shouwang.antifraud.stats import dashboard
from shouwang.antifraud.views.common import actor_of
from shouwang.antifraud.warning.stats import warning_figures
from shouwang.orgs.roles import Cap


@login_required
@require_GET
def centre_dashboard(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request, Cap.FRAUD_VIEW)
    try:
        days = min(max(int(request.GET.get("days", 30)), 1), 366)
    except ValueError:
        days = 30
    figures = dashboard(actor, days=days)
    context = {
        "d": figures,
        "days": days,
        # Only for those who work warnings: to anyone else every figure would read 0.
        "w": (
            warning_figures(actor, since=figures.since, now=timezone.now())
            if actor.can(Cap.WARNING_HANDLE)
            else None
        ),
        "can_decide": actor.can(Cap.FRAUD_MANAGE),
    }
    return render(request, "antifraud/dashboard.html", context)


@login_required
@require_GET
def blocklist_page(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request, Cap.BLOCKLIST_LOOKUP)
    value = request.GET.get("value", "").strip()[:300]
    kind = request.GET.get("kind", "") or None
    result = None
    errors: list[str] = []
    if value:
        if kind is not None and kind not in IndicatorKind.values:
            kind = None
        try:
            result = lookup(actor, value, kind)
        except ValidationError as exc:
            errors = exc.messages
    kinds = [(k, IndicatorKind(k).label) for k in kinds_for(actor)]
    recent = blocklist_for(actor).order_by("-confirmed_at")[:50]
    return render(
        request,
        "antifraud/blocklist.html",
        {
            "value": value,
            "kind": kind or "",
            "result": result,
            "errors": errors,
            "kinds": IndicatorKind.choices,
            "export_kinds": kinds,
            "recent": recent,
            "total": blocklist_for(actor).count(),
        },
    )


@login_required
@require_GET
def blocklist_download(request: HttpRequest) -> StreamingHttpResponse:
    actor = actor_of(request, Cap.BLOCKLIST_LOOKUP)
    return blocklist_csv_response(actor, request.GET.get("kind") or None)


urlpatterns: list[URLPattern] = [
    path("dashboard/", centre_dashboard, name="dashboard"),
    path("blocklist/", blocklist_page, name="blocklist"),
    path("blocklist.csv", blocklist_download, name="blocklist-csv"),
]
