"""The hazard register's pages: list, map and its GeoJSON, detail with the lifecycle steps,
and the phone-sized registration form.

Every read goes through `hazards_for_user` / `access_hazard`; every write through an action.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import h3
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shouwang.cases.actions import (
    do_add_evidence,
    do_cancel_case,
    do_grade_case,
    do_reject_case,
    do_reopen_case,
    do_submit_case,
    do_verify_case,
)
from shouwang.cases.choices import CaseState, EvidenceStage
from shouwang.common.errors import NotPermitted
from shouwang.common.htmx import is_htmx, render_page_or_partial
from shouwang.common.paging import CappedPaginator
from shouwang.hazards.actions import do_assign_hazard, do_register_hazard
from shouwang.hazards.choices import HazardCategory, HazardGrade, HazardSource
from shouwang.hazards.filters import HazardFilter
from shouwang.hazards.history import hazard_history
from shouwang.hazards.kind import HAZARD_KIND
from shouwang.hazards.models import Hazard
from shouwang.hazards.queries import access_hazard, campaigns_for_user, hazards_for_user
from shouwang.hazards.views.forms import (
    ACTION_FORMS,
    RegisterForm,
    available_actions,
    build_action_form,
    is_rectifier,
    parse_filter,
    selected_values,
)
from shouwang.orgs.choices import UnitKind
from shouwang.orgs.models import User
from shouwang.orgs.roles import Cap
from shouwang.orgs.scoping import units_for_user

PAGE_SIZE = 50
GEOJSON_LIMIT = 5000
GEOJSON_TYPE = "application/geo+json"
# The columns of the list and nothing more: the page is read often and must stay cheap.
LIST_FIELDS = (
    "id",
    "kind",
    "title",
    "category",
    "grade",
    "state",
    "deadline",
    "is_overdue",
    "found_at",
    "responsible_name",
    "unit__name",
    "assignee_unit__name",
    "assignee_user__username",
    "assignee_user__display_name",
    "assignee_org__name",
)
# Which capability each step needs before its form is even read; the action checks again.
ACTION_CAPS: dict[str, tuple[Cap, ...]] = {
    "grade": (Cap.HAZARD_MANAGE,),
    "assign": (Cap.HAZARD_MANAGE,),
    "evidence": (Cap.HAZARD_REGISTER, Cap.HAZARD_RECTIFY, Cap.HAZARD_VERIFY),
    "submit": (Cap.HAZARD_RECTIFY,),
    "verify": (Cap.HAZARD_VERIFY,),
    "reject": (Cap.HAZARD_VERIFY,),
    "reopen": (Cap.HAZARD_MANAGE,),
    "cancel": (Cap.HAZARD_MANAGE,),
}
# Codes of `cases.evidence` errors: they belong next to the file input.
FILE_ERROR_CODES = {"too_large", "empty", "bad_type", "corrupt"}


def _actor(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User), "views here are behind login_required"
    return user


def _viewer(request: HttpRequest) -> User:
    """The user of a register page; 403 for roles that see no hazards (partner desks, analysts),
    rather than an empty register that looks like a jurisdiction without hazards."""
    actor = _actor(request)
    if not actor.can(Cap.HAZARD_VIEW):
        raise PermissionDenied
    return actor


# ---------------------------------------------------------------- list and map


def _filter_context(request: HttpRequest, flt: HazardFilter, errors: list[str]) -> dict[str, Any]:
    actor = _actor(request)
    # Grids are too many for a select; a grid's code can still be typed into the URL.
    units = units_for_user(actor).exclude(kind=UnitKind.GRID).only("code", "name", "depth")
    active = [k for k, v in request.GET.items() if v and k not in {"page", "sort"}]
    return {
        "filter": flt,
        "filter_errors": errors,
        "active_filters": len(active),
        "htmx": is_htmx(request),
        "selected": selected_values(request.GET),
        "units": list(units),
        "campaigns": list(campaigns_for_user(actor).only("id", "name")[:200]),
        "states": CaseState.choices,
        "categories": HazardCategory.choices,
        "grades": HazardGrade.choices,
        "sources": HazardSource.choices,
    }


def list_queryset(user: User, flt: HazardFilter) -> QuerySet[Hazard]:
    return (
        flt.apply(hazards_for_user(user))
        .select_related("unit", "assignee_unit", "assignee_user", "assignee_org")
        .only(*LIST_FIELDS)
    )


@login_required
@require_GET
def hazard_list(request: HttpRequest) -> HttpResponse:
    actor = _viewer(request)
    flt, errors = parse_filter(request.GET)
    queryset = Hazard.objects.none() if errors else list_queryset(actor, flt)
    page = CappedPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        **_filter_context(request, flt, errors),
        "page": page,
        "query": request.GET.urlencode(),
        "export_query": _without(request, "page"),
    }
    response = render_page_or_partial(
        request, "hazards/list.html", "hazards/partials/list_rows.html", context
    )
    if errors:
        response.status_code = 400
    return response


def _without(request: HttpRequest, *names: str) -> str:
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


@login_required
@require_GET
def hazard_map(request: HttpRequest) -> HttpResponse:
    _viewer(request)
    flt, errors = parse_filter(request.GET, default_open=True)
    context = {
        **_filter_context(request, flt, errors),
        "tile_url": settings.MAP_TILE_URL,
        "geojson_url": reverse("hazards:hazard-geojson") + "?" + request.GET.urlencode(),
        "units_url": reverse("hazards:unit-geojson"),
        "grades": HazardGrade.choices,
    }
    return render(request, "hazards/map.html", context, status=400 if errors else 200)


@login_required
@require_GET
def hazard_geojson(request: HttpRequest) -> HttpResponse:
    """The visible hazards as an RFC 7946 FeatureCollection, newest first, capped."""
    _viewer(request)
    flt, errors = parse_filter(request.GET, default_open=True)
    if errors:
        return JsonResponse({"errors": errors}, status=400)
    rows = list(
        flt.apply(hazards_for_user(_actor(request)))
        .filter(lat__isnull=False, lon__isnull=False)
        .order_by("-found_at", "-pk")
        .values("pk", "kind", "title", "grade", "state", "lat", "lon", "is_overdue")[
            : GEOJSON_LIMIT + 1
        ]
    )
    prefix = reverse("hazards:hazard-list")
    state_labels = dict(CaseState.choices)
    grade_labels = dict(HazardGrade.choices)
    features = [
        {
            "type": "Feature",
            "id": row["pk"],
            "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]},
            "properties": {
                "id": row["pk"],
                "reference": HAZARD_KIND.reference(row["pk"]),
                "title": row["title"],
                "grade": row["grade"],
                "grade_label": str(grade_labels.get(row["grade"], _("未分级"))),
                "state": row["state"],
                "state_label": str(state_labels.get(row["state"], row["state"])),
                "overdue": row["is_overdue"],
                "url": f"{prefix}{row['pk']}/",
            },
        }
        for row in rows[:GEOJSON_LIMIT]
    ]
    body = {
        "type": "FeatureCollection",
        "features": features,
        "truncated": len(rows) > GEOJSON_LIMIT,
    }
    return JsonResponse(body, content_type=GEOJSON_TYPE)


def _unit_geometry(boundary: Any, cells: list[str]) -> dict[str, Any] | None:
    if isinstance(boundary, dict):
        if boundary.get("type") == "Feature":
            boundary = boundary.get("geometry")
        if isinstance(boundary, dict) and boundary.get("type") in {"Polygon", "MultiPolygon"}:
            return boundary
    if cells:
        try:
            geometry: dict[str, Any] = h3.cells_to_geo(cells)
        except (ValueError, TypeError, h3.H3BaseException):
            return None
        return geometry
    return None


@login_required
@require_GET
def unit_geojson(request: HttpRequest) -> HttpResponse:
    """The visible units' areas (grids' H3 cells as polygons): the map's own basemap."""
    actor = _actor(request)
    units = (
        units_for_user(actor).filter(Q(kind=UnitKind.GRID) | Q(boundary__isnull=False))
        if actor.can(Cap.HAZARD_VIEW)
        else units_for_user(actor).none()
    )
    features = []
    for unit in units.only("id", "code", "name", "kind", "boundary", "h3_cells"):
        geometry = _unit_geometry(unit.boundary, list(unit.h3_cells or []))
        if geometry is None:
            continue
        features.append(
            {
                "type": "Feature",
                "id": unit.pk,
                "geometry": geometry,
                "properties": {
                    "id": unit.pk,
                    "code": unit.code,
                    "name": unit.name,
                    "kind": unit.kind,
                },
            }
        )
    response = JsonResponse(
        {"type": "FeatureCollection", "features": features}, content_type=GEOJSON_TYPE
    )
    response["Cache-Control"] = "private, max-age=300"
    return response


# ---------------------------------------------------------------- detail and the steps


def _detail_context(
    actor: User, hazard: Hazard, bound: dict[str, Form] | None = None
) -> dict[str, Any]:
    bound = bound or {}
    actions = available_actions(actor, hazard)
    # A failed post of a step no longer offered (the state moved on) still shows its errors.
    actions += [action for action in bound if action not in actions]
    forms = [
        {
            "action": action,
            "title": ACTION_FORMS[action][1],
            "style": ACTION_FORMS[action][2],
            "form": bound.get(action) or build_action_form(action, actor=actor, hazard=hazard),
            "url": reverse("hazards:hazard-action", args=[hazard.pk, action]),
        }
        for action in actions
    ]
    evidence = list(hazard.evidence.select_related("uploaded_by"))
    stages = [
        (label, [e for e in evidence if e.stage == value])
        for value, label in EvidenceStage.choices
        if value in HAZARD_KIND.evidence_steps
    ]
    return {
        "hazard": hazard,
        "unit_chain": list(hazard.unit.ancestors()),
        "stages": stages,
        "evidence_count": len(evidence),
        "history": hazard_history(hazard, actor),
        "action_forms": forms,
        "verify_blocked": hazard.state == CaseState.SUBMITTED
        and actor.can(Cap.HAZARD_VERIFY)
        and is_rectifier(actor, hazard),
        "tile_url": settings.MAP_TILE_URL,
        "units_url": reverse("hazards:unit-geojson"),
        "now": timezone.now(),
    }


@login_required
@require_GET
def hazard_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    hazard = access_hazard(actor, pk)
    return render(request, "hazards/detail.html", _detail_context(actor, hazard))


def _when(value: Any) -> str:
    return date_format(timezone.localtime(value), "Y-m-d H:i") if value else ""


def _perform(action: str, hazard: Hazard, data: dict[str, Any], actor: User) -> str:
    """Run one step through its action; the success message to show."""
    if action == "grade":
        do_grade_case(
            hazard, grade=data["grade"], deadline=data["deadline"], note=data["note"], actor=actor
        )
        return _("已分级为“%(grade)s”,整改期限 %(deadline)s。") % {
            "grade": HazardGrade(hazard.grade).label,
            "deadline": _when(hazard.deadline),
        }
    if action == "assign":
        do_assign_hazard(
            hazard,
            requirement=data["requirement"],
            unit=data["unit"],
            user=data["user"],
            organisation=data["organisation"],
            deadline=data["deadline"],
            note=data["note"],
            actor=actor,
        )
        return _("已交办整改。")
    if action == "evidence":
        # Several files are one step: all are stored or none.
        with transaction.atomic():
            for upload in data["upload"]:
                do_add_evidence(hazard, upload=upload, stage=data["stage"], actor=actor)
        return _("已上传 %(count)d 个文件。") % {"count": len(data["upload"])}
    steps: dict[str, Callable[[], object]] = {
        "submit": lambda: do_submit_case(hazard, note=data["note"], actor=actor),
        "verify": lambda: do_verify_case(hazard, note=data["note"], actor=actor),
        "reject": lambda: do_reject_case(hazard, note=data["note"], actor=actor),
        "reopen": lambda: do_reopen_case(
            hazard, note=data["note"], deadline=data["deadline"], actor=actor
        ),
        "cancel": lambda: do_cancel_case(hazard, reason=data["reason"], actor=actor),
    }
    steps[action]()
    return {
        "submit": _("已报送整改,等待核查。"),
        "verify": _("核查通过,已销号。"),
        "reject": _("核查不通过,已退回整改。"),
        "reopen": _("已重新打开。"),
        "cancel": _("已撤销。"),
    }[action]


def attach_errors(form: Form, exc: ValidationError, *, file_field: str | None = None) -> None:
    """Put an action's validation errors on the form fields they name (or on the form)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            form.add_error(target, [e for error in errors for e in error.messages])
        return
    for error in exc.error_list:
        target = file_field if file_field and error.code in FILE_ERROR_CODES else None
        form.add_error(target, error.messages)


@login_required
@require_POST
def hazard_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    actor = _actor(request)
    hazard = access_hazard(actor, pk)
    if action not in ACTION_FORMS:
        raise Http404
    if not any(actor.can(cap) for cap in ACTION_CAPS[action]):
        raise PermissionDenied
    form = build_action_form(
        action, actor=actor, hazard=hazard, data=request.POST, files=request.FILES
    )
    if form.is_valid():
        try:
            message = _perform(action, hazard, form.cleaned_data, actor)
        except NotPermitted:
            raise PermissionDenied from None
        except ValidationError as exc:
            attach_errors(form, exc, file_field="upload")
        else:
            messages.success(request, message)
            return _to_detail(request, hazard)
    # The state may have been changed by someone else meanwhile: show it as it is now.
    hazard = access_hazard(actor, pk)
    context = _detail_context(actor, hazard, {action: form})
    response = render_page_or_partial(
        request, "hazards/detail.html", "hazards/partials/action_forms.html", context
    )
    response.status_code = 422
    return response


def _to_detail(request: HttpRequest, hazard: Hazard) -> HttpResponse:
    url = reverse("hazards:hazard-detail", args=[hazard.pk])
    if is_htmx(request):
        # HTMX would swap the redirected page into the fragment; ask it to navigate instead.
        response = HttpResponse()
        response["HX-Redirect"] = url
        return response
    return redirect(url)


# ---------------------------------------------------------------- registration


@login_required
@require_http_methods(["GET", "POST"])
def hazard_register(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    if not actor.can(Cap.HAZARD_REGISTER) or actor.is_outside_party:
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        form = RegisterForm(request.POST, request.FILES, actor=actor)
        if form.is_valid():
            data = form.cleaned_data
            try:
                hazard = do_register_hazard(
                    actor=actor,
                    title=data["title"],
                    category=data["category"],
                    description=data["description"],
                    unit=data["unit"],
                    lat=data["lat"],
                    lon=data["lon"],
                    address=data["address"],
                    premises=data["premises"],
                    campaign=data["campaign"],
                    responsible_name=data["responsible_name"],
                    responsible_contact=data["responsible_contact"],
                    responsible_phone=data["responsible_phone"],
                    photos=data["photos"],
                )
            except NotPermitted:
                raise PermissionDenied from None
            except ValidationError as exc:
                attach_errors(form, exc, file_field="photos")
            else:
                messages.success(
                    request,
                    _("已登记隐患 %(reference)s:%(title)s")
                    % {"reference": hazard.reference, "title": hazard.title},
                )
                return redirect("hazards:hazard-detail", hazard.pk)
        status = 422
    else:
        form = RegisterForm(actor=actor)
    context = {
        "form": form,
        "tile_url": settings.MAP_TILE_URL,
        "units_url": reverse("hazards:unit-geojson"),
        "photos_lost": request.method == "POST" and bool(request.FILES),
    }
    return render(request, "hazards/register.html", context, status=status)


urlpatterns: list[URLPattern] = [
    path("", hazard_list, name="hazard-list"),
    path("map/", hazard_map, name="hazard-map"),
    path("map.geojson", hazard_geojson, name="hazard-geojson"),
    path("units.geojson", unit_geojson, name="unit-geojson"),
    path("new/", hazard_register, name="hazard-register"),
    path("<int:pk>/", hazard_detail, name="hazard-detail"),
    path("<int:pk>/<str:action>/", hazard_action, name="hazard-action"),
]
