"""The responsible party's side: what is assigned to me, and reporting its rectification.

Built for a company's staff on a phone as much as for police assignees: the requirement and
deadline first, the photos taken when the hazard was found, then "upload after-photos" and
"submit". A responsible unit reaches only hazards assigned to its organisation (404 otherwise).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from pydantic import ValidationError as PydanticValidationError

from shouwang.cases.actions import do_add_evidence, do_submit_case, is_assignee
from shouwang.cases.choices import OPEN_STATES, CaseAction, CaseState, EvidenceStage
from shouwang.common.errors import NotPermitted
from shouwang.hazards.choices import HazardGrade
from shouwang.hazards.filters import HazardFilter
from shouwang.hazards.models import Hazard
from shouwang.hazards.queries import access_hazard, hazards_for_user
from shouwang.hazards.wording import join_list
from shouwang.orgs.choices import Role
from shouwang.orgs.roles import Cap

if TYPE_CHECKING:
    from shouwang.orgs.models import User

PAGE_SIZE = 30


def _user(request: HttpRequest) -> User:
    user = request.user
    assert user.is_authenticated
    return user


def assigned_to(user: User) -> QuerySet[Hazard]:
    """Hazards assigned to the user: to their organisation (a responsible unit), to them by
    name, or to a unit in their jurisdiction without a named officer (the same rule the
    lifecycle engine uses to let an assignee submit)."""
    hazards = hazards_for_user(user).filter(assigned_at__isnull=False)
    if user.is_outside_party:
        # Scoping already restricts outside parties to their organisation's assignments.
        return hazards
    mine = Q(assignee_user=user)
    if user.unit is not None:
        mine |= Q(assignee_user__isnull=True, assignee_unit__path__startswith=user.unit.path)
    elif user.is_superuser or user.role == Role.ADMIN:
        mine |= Q(assignee_user__isnull=True, assignee_unit__isnull=False)
    return hazards.filter(mine)


def _parse_filter(request: HttpRequest) -> tuple[HazardFilter, str]:
    """The register's one filter, limited to what this page offers: text and open/closed."""
    data = {k: request.GET.get(k, "") for k in ("q", "open") if k in request.GET}
    try:
        return HazardFilter.model_validate(data), ""
    except PydanticValidationError as exc:
        names = {"q": _("关键词"), "open": _("是否销号")}
        fields = sorted({str(e["loc"][0]) for e in exc.errors() if e["loc"]})
        return HazardFilter(), _("筛选条件无效:%(fields)s") % {
            "fields": join_list(names.get(f, f) for f in fields)
        }


@login_required
@require_GET
def assigned_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not user.can(Cap.HAZARD_RECTIFY):
        raise Http404
    flt, error = _parse_filter(request)
    open_first = Case(
        When(state__in=OPEN_STATES, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    hazards = (
        flt.apply(assigned_to(user))
        .select_related("unit", "assignee_org", "assignee_unit", "assignee_user")
        .order_by(open_first, F("deadline").asc(nulls_last=True), "-pk")
    )
    page = Paginator(hazards, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [
        (h, h.is_open and h.deadline is not None and h.deadline < now) for h in page.object_list
    ]
    query = urlencode({k: request.GET[k] for k in ("q", "open") if request.GET.get(k)})
    return render(
        request,
        "hazards/assigned_list.html",
        {
            "page": page,
            "rows": rows,
            "filter": flt,
            "filter_error": error,
            "query": query,
            "q": request.GET.get("q", ""),
            "open": request.GET.get("open", ""),
        },
        status=400 if error else 200,
    )


def _store_after_evidence(hazard: Hazard, files: list[UploadedFile[bytes]], user: User) -> None:
    """All files or none: one bad file rolls back the ones stored before it."""
    if not files:
        raise ValidationError({"files": _("请选择要上传的照片或 PDF 文件。")}, code="required")
    with transaction.atomic():
        for upload in files:
            try:
                do_add_evidence(hazard, upload=upload, stage=EvidenceStage.AFTER, actor=user)
            except ValidationError as exc:
                raise ValidationError(
                    {"files": [f"{upload.name}:{m}" for m in exc.messages]}, code=exc.code
                ) from exc


def _context(user: User, hazard: Hazard) -> dict[str, Any]:
    evidence = list(hazard.evidence.order_by("uploaded_at", "pk"))
    rejection = None
    if hazard.state == CaseState.ASSIGNED:
        # Uploads and corrections of details do not answer a rejection: look past them.
        steps = hazard.transitions.exclude(action__in=[CaseAction.EVIDENCE, CaseAction.EDIT])
        last = steps.order_by("-at", "-pk").first()
        if last is not None and last.action == CaseAction.REJECT:
            rejection = last
    can_manage = user.can(Cap.HAZARD_MANAGE)
    return {
        "hazard": hazard,
        "grade_label": dict(HazardGrade.choices).get(hazard.grade, ""),
        "before": [e for e in evidence if e.stage == EvidenceStage.BEFORE],
        "after": [e for e in evidence if e.stage == EvidenceStage.AFTER],
        "overdue": hazard.is_open
        and hazard.deadline is not None
        and hazard.deadline < timezone.now(),
        "rejection": rejection,
        "can_act": hazard.state == CaseState.ASSIGNED and (is_assignee(user, hazard) or can_manage),
        "errors": {},
    }


@login_required
@require_http_methods(["GET", "POST"])
def hazard_rectify(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    if not user.can(Cap.HAZARD_RECTIFY):
        raise Http404
    hazard = access_hazard(user, pk)
    if request.method == "GET":
        return render(request, "hazards/rectify.html", _context(user, hazard))
    step = request.POST.get("step", "")
    try:
        if step == "upload":
            files = request.FILES.getlist("files")
            _store_after_evidence(hazard, files, user)
            messages.success(request, _("已上传 %(n)d 个整改后的文件。") % {"n": len(files)})
        elif step == "submit":
            do_submit_case(hazard, note=request.POST.get("note", ""), actor=user)
            messages.success(request, _("整改情况已报送,等待核查。"))
        else:
            raise ValidationError({"step": _("未知的操作。")}, code="invalid")
    except NotPermitted:
        # The hazard is visible to the user, so this is a plain "not allowed" (403).
        raise PermissionDenied from None
    except ValidationError as exc:
        context = _context(user, hazard)
        key = "files" if step == "upload" else "submit"
        context["errors"] = {key: exc.messages}
        context["note"] = request.POST.get("note", "")
        return render(request, "hazards/rectify.html", context, status=400)
    return redirect("hazards:hazard-rectify", pk=hazard.pk)


urlpatterns: list[URLPattern] = [
    path("assigned/", assigned_list, name="assigned-list"),
    path("<int:pk>/rectify/", hazard_rectify, name="hazard-rectify"),
]
