"""Pages of the lifecycle engine shared by every kind: evidence files and the SLA table."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from shouwang.cases.actions_sla import SlaRow, do_set_sla_rule, effective_sla_table
from shouwang.cases.kinds import get_kind
from shouwang.cases.models import Evidence
from shouwang.cases.queries import case_visible_to
from shouwang.common.errors import NotPermitted
from shouwang.common.htmx import is_htmx
from shouwang.orgs.models import User
from shouwang.orgs.roles import Cap

# Shown in the browser; anything else is downloaded. Evidence is only ever JPEG, PNG or PDF
# (cases.evidence), but a row written by other means must not turn into an inline page.
_INLINE_TYPES = {"image/jpeg", "image/png", "application/pdf"}
_EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def access_evidence(user: User, evidence_id: int) -> Evidence:
    """The evidence if `user` may see its case; 404 for missing and forbidden alike."""
    evidence = Evidence.objects.select_related("case", "case__unit").filter(pk=evidence_id).first()
    if evidence is None or not case_visible_to(user, evidence.case):
        raise Http404
    view_cap = get_kind(evidence.case.kind).caps.get("view")
    if view_cap is not None and not user.can(view_cap):
        raise Http404
    return evidence


def safe_filename(original: str, content_type: str, pk: int) -> str:
    """The client's file name without paths, control or quoting characters, with the
    extension that matches what the bytes are."""
    name = unicodedata.normalize("NFC", original).rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = re.sub(r"[^\w\- ]+", "_", stem).strip(" ._")[:80] or f"evidence-{pk}"
    return f"{stem}.{_EXTENSIONS.get(content_type, 'bin')}"


@login_required
@require_GET
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    evidence = access_evidence(_user(request), pk)
    try:
        handle = evidence.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    inline = evidence.content_type in _INLINE_TYPES
    content_type = evidence.content_type if inline else "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    filename = safe_filename(evidence.original_name, evidence.content_type, evidence.pk)
    response["Content-Disposition"] = (
        content_disposition_header(not inline, filename) or "attachment"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=300"
    return response


def _row_context(
    row: SlaRow, user: User, errors: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    return {"row": row, "can_edit": user.can(Cap.SLA_EDIT), "errors": errors or {}}


def _parse_hours(request: HttpRequest, field: str, errors: dict[str, list[str]]) -> int:
    value = request.POST.get(field, "").strip()
    if value.isdigit() and len(value) <= 9:
        return int(value)
    errors[field] = [_("请填写整数小时数。")]
    return 0


def sla_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not user.can(Cap.HAZARD_VIEW):
        raise PermissionDenied
    rows = [_row_context(row, user) for row in effective_sla_table()]
    return render(
        request, "cases/sla_list.html", {"rows": rows, "can_edit": user.can(Cap.SLA_EDIT)}
    )


def sla_edit(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not user.can(Cap.SLA_EDIT):
        raise PermissionDenied
    kind, grade = request.POST.get("kind", ""), request.POST.get("grade", "")
    errors: dict[str, list[str]] = {}
    hours = _parse_hours(request, "hours", errors)
    escalate = _parse_hours(request, "escalate_every_hours", errors)
    try:
        if not errors:
            do_set_sla_rule(kind, grade, hours, escalate, actor=user)
    except NotPermitted:
        raise PermissionDenied from None
    except ValidationError as exc:
        errors = exc.message_dict
    table = {(r.kind, r.grade): r for r in effective_sla_table()}
    row = table.get((kind, grade))
    if row is None:
        message = " ".join(m for msgs in errors.values() for m in msgs) or _("无效的时限规则。")
        return HttpResponse(message, status=422, content_type="text/plain; charset=utf-8")
    status = 422 if errors else 200
    context = _row_context(row, user, errors)
    if is_htmx(request):
        return render(request, "cases/partials/sla_row.html", context, status=status)
    rows = [_row_context(r, user, errors if r is row else None) for r in table.values()]
    page = {"rows": rows, "can_edit": True, "saved": None if errors else row}
    return render(request, "cases/sla_list.html", page, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def sla(request: HttpRequest) -> HttpResponse:
    """GET shows the table (cases:sla-list); POST sets one rule (cases:sla-edit)."""
    return sla_edit(request) if request.method == "POST" else sla_list(request)
