"""The partner desk: a bank's or carrier's staff see their own organisation's requests, the
most urgent first, and answer them. Nothing else of the centre is visible to them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from shouwang.antifraud.actions import do_answer_request
from shouwang.antifraud.choices import RequestState, RequestType
from shouwang.antifraud.filters import RequestFilter, parse_params
from shouwang.antifraud.queries import access_request, requests_for_user
from shouwang.antifraud.stats import request_counts
from shouwang.antifraud.views.common import actor_of, error_dict
from shouwang.common.errors import NotPermitted
from shouwang.common.htmx import render_page_or_partial
from shouwang.common.paging import CappedPaginator
from shouwang.orgs.roles import Cap


@login_required
@require_GET
def desk(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request, Cap.PARTNER_ANSWER, Cap.FRAUD_VIEW)
    params = request.GET.copy()
    if "state" not in params:
        params["state"] = RequestState.SENT
    request_filter, errors = parse_params(RequestFilter, params)
    mine = requests_for_user(actor)
    rows = request_filter.apply(mine).select_related("indicator", "organisation", "unit")
    page = CappedPaginator(rows, 50).get_page(request.GET.get("page"))
    query = params.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "filter": request_filter,
        "filter_errors": errors,
        "states": RequestState.choices,
        "types": RequestType.choices,
        "counts": request_counts(mine),
        "now": timezone.now(),
        "query": query.urlencode(),
        # Viewers (an auditor) see the list but get no answer button they could not use.
        "can_answer": actor.can(Cap.PARTNER_ANSWER) or actor.can(Cap.FRAUD_MANAGE),
    }
    return render_page_or_partial(
        request, "antifraud/desk.html", "antifraud/partials/desk_rows.html", context
    )


@login_required
@require_http_methods(["GET", "POST"])
def desk_answer(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request, Cap.PARTNER_ANSWER, Cap.FRAUD_MANAGE)
    req = access_request(actor, pk)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            do_answer_request(
                req,
                done=request.POST.get("outcome") == "done",
                amount_frozen=request.POST.get("amount_frozen") or None,
                failure_reason=request.POST.get("failure_reason", ""),
                note=request.POST.get("note", ""),
                partner_reference=request.POST.get("partner_reference", ""),
                actor=actor,
            )
        except NotPermitted:
            raise PermissionDenied from None
        except ValidationError as exc:
            errors = error_dict(exc)
        else:
            messages.success(request, _("已答复 %(ref)s。") % {"ref": req.reference})
            return redirect("antifraud:desk")
    context = {"req": req, "errors": errors, "post": request.POST, "now": timezone.now()}
    return render(request, "antifraud/desk_answer.html", context, status=422 if errors else 200)


urlpatterns: list[URLPattern] = [
    path("desk/", desk, name="desk"),
    path("desk/<int:pk>/", desk_answer, name="desk-answer"),
]
