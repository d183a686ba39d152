"""The auditor's pages (search, detail, CSV export) and the purpose-bound reveal of one field."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import Any

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from pydantic import ValidationError as PydanticError

from shouwang.audit.action_labels import describe_action, object_type_label
from shouwang.audit.actions import do_export_audit_log, do_reveal_field
from shouwang.audit.filters import CHANNELS, FILTER_LABELS, AuditFilter
from shouwang.audit.models import AuditEvent
from shouwang.audit.queries import access_event, access_personal_object, events_for_user
from shouwang.audit.templatetags.personal import dom_id, masked_context
from shouwang.common.errors import NotPermitted
from shouwang.common.htmx import is_htmx, render_page_or_partial
from shouwang.orgs.choices import UnitKind
from shouwang.orgs.models import User
from shouwang.orgs.roles import Cap
from shouwang.orgs.scoping import units_for_user

PAGE_SIZE = 50
# Units offered in the filter: down to stations; deeper units are reached by their code.
_FILTER_UNIT_KINDS = [
    UnitKind.PROVINCE,
    UnitKind.CITY,
    UnitKind.DISTRICT,
    UnitKind.STATION,
    UnitKind.CENTRE,
]


def _auditor(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    if not user.can(Cap.AUDIT_VIEW):
        raise PermissionDenied
    return user


def _parse_filter(request: HttpRequest) -> tuple[AuditFilter, dict[str, str]]:
    """The filter from the query string, or the empty filter and an error per bad field."""
    try:
        return AuditFilter.model_validate(request.GET.dict()), {}
    except PydanticError as exc:
        # Name the field by its label on the form, in the page's language: pydantic's own
        # messages are English and name the query parameter (the hazard list does the same).
        errors: dict[str, str] = {}
        for err in exc.errors():
            name = str(err["loc"][0]) if err["loc"] else "__all__"
            if name in FILTER_LABELS:
                errors[name] = _("筛选条件“%(field)s”的值“%(value)s”无效。") % {
                    "field": FILTER_LABELS[name],
                    "value": request.GET.get(name, "")[:50],
                }
            else:  # the one check across fields: the dates' order
                errors[name] = _("结束日期不能早于开始日期。")
        return AuditFilter(), errors


def _object_types() -> list[tuple[str, str]]:
    return sorted(
        (m._meta.label_lower, f"{m._meta.verbose_name} ({m._meta.label_lower})")
        for m in apps.get_models()
        if m._meta.app_config is not None and m._meta.app_config.name.startswith("shouwang.")
    )


@login_required
@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    user = _auditor(request)
    filters, errors = _parse_filter(request)
    events = filters.apply(events_for_user(user)) if not errors else AuditEvent.objects.none()
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context: dict[str, Any] = {
        "filters": filters,
        "raw": request.GET,
        "errors": errors,
        "page": page,
        "query": query.urlencode(),
        "channels": CHANNELS,
        "object_types": _object_types(),
        "units": units_for_user(user).filter(kind__in=_FILTER_UNIT_KINDS),
    }
    response = render_page_or_partial(
        request, "audit/event_list.html", "audit/partials/event_results.html", context
    )
    if errors:
        response.status_code = 400
    return response


@login_required
@require_GET
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _auditor(request)
    event = access_event(user, pk)
    detail = json.dumps(event.detail, ensure_ascii=False, indent=2, sort_keys=True)
    return render(request, "audit/event_detail.html", {"event": event, "detail_json": detail})


def _cell(value: object) -> str:
    # A cell that starts with = + - @ is a formula to a spreadsheet; quote it (CSV injection).
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_rows(events: Any, language: str) -> Iterator[str]:
    """The export's lines. Each code column (action, object type) is followed by its label in
    the reader's language, for people reading the file in a spreadsheet; the codes stay, for
    filtering. The rows are written while the response streams, after the view has returned,
    so the request's language is set again here."""
    with translation.override(language):
        yield from _csv_lines(events)


def _csv_lines(events: Any) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # so that Excel reads the Chinese text as UTF-8
    yield writer.writerow(
        [
            _("时间"),
            _("操作人"),
            _("用户名"),
            _("动作"),
            _("动作名称"),
            _("对象类型"),
            _("对象类型名称"),
            _("对象编号"),
            _("对象"),
            _("单位代码"),
            _("单位"),
            _("渠道"),
            _("来源地址"),
            _("事由"),
            _("详情"),
        ]
    )
    tz = timezone.get_current_timezone()
    type_labels: dict[str, str] = {}
    action_labels: dict[tuple[str, str, str], str] = {}
    lines: list[str] = []
    # Plain values, not models: building three model instances a row was most of the export's
    # time (bench/audit_export.py).
    for row in events.values_list(*_CSV_FIELDS).iterator(chunk_size=2000):
        at, actor_label, username, action, object_type, object_id, object_label = row[:7]
        unit_code, unit_name, channel, ip, purpose, detail = row[7:]
        if object_type not in type_labels:
            type_labels[object_type] = object_type_label(object_type)
        field = str(detail.get("field") or "") if isinstance(detail, dict) else ""
        if (action, object_type, field) not in action_labels:
            action_labels[action, object_type, field] = describe_action(action, object_type, detail)
        lines.append(
            writer.writerow(
                [
                    _cell(at.astimezone(tz).isoformat(timespec="seconds")),
                    _cell(actor_label),
                    _cell(username),
                    _cell(action),
                    _cell(action_labels[action, object_type, field]),
                    _cell(object_type),
                    _cell(type_labels[object_type]),
                    _cell(object_id),
                    _cell(object_label),
                    _cell(unit_code),
                    _cell(unit_name),
                    _cell(channel),
                    _cell(ip),
                    _cell(purpose),
                    _cell(json.dumps(detail, ensure_ascii=False, sort_keys=True)),
                ]
            )
        )
        # A few hundred rows a write: one write per row made the server the bottleneck.
        if len(lines) == 500:
            yield "".join(lines)
            lines = []
    if lines:
        yield "".join(lines)


_CSV_FIELDS = (
    "at",
    "actor_label",
    "actor__username",
    "action",
    "object_type",
    "object_id",
    "object_label",
    "unit__code",
    "unit__name",
    "channel",
    "ip",
    "purpose",
    "detail",
)


@login_required
@require_GET
def event_export(request: HttpRequest) -> HttpResponseBase:
    user = _auditor(request)
    filters, errors = _parse_filter(request)
    if errors:
        return HttpResponse("\n".join(errors.values()), status=400, content_type="text/plain")
    try:
        events = do_export_audit_log(filters, actor=user)
    except NotPermitted:
        raise PermissionDenied from None
    name = f"audit-{timezone.localdate():%Y%m%d}.csv"
    response = StreamingHttpResponse(
        _csv_rows(events, translation.get_language()), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


def _back_url(request: HttpRequest) -> str:
    referer = request.headers.get("Referer", "")
    allowed = url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return referer if allowed else ""


@login_required
@require_POST
def reveal(request: HttpRequest) -> HttpResponse:
    """Answer 404 when the object is not visible, 403 without the capability, 422 without a
    valid purpose (the form comes back with the message), else the clear value."""
    user = request.user
    assert isinstance(user, User)
    object_id = request.POST.get("object_id", "")
    if not object_id.isdigit():
        raise Http404
    obj = access_personal_object(user, request.POST.get("model", ""), int(object_id))[0]
    field = request.POST.get("field", "")
    purpose = request.POST.get("purpose", "")
    context: dict[str, Any] = {
        "object_label": str(obj),
        "field_label": field,
        "value": None,
        "back": _back_url(request),
    }
    try:
        context["value"] = do_reveal_field(obj, field, purpose=purpose, actor=user)
    except NotPermitted:
        raise PermissionDenied from None
    except ValidationError as exc:
        messages = exc.message_dict
        if "purpose" not in messages:
            return HttpResponse(" ".join(exc.messages), status=422, content_type="text/plain")
        context.update(masked_context(obj, field, user=user, errors=messages["purpose"]))
        context["purpose"] = purpose
        response = render_page_or_partial(
            request, "audit/reveal.html", "audit/partials/masked.html", context
        )
        response.status_code = 422
        return response
    model_field = obj._meta.get_field(field)
    context["field_label"] = getattr(model_field, "verbose_name", field)
    context["dom_id"] = dom_id(obj, field)
    partial = "audit/partials/revealed.html"
    response = render(request, partial if is_htmx(request) else "audit/reveal.html", context)
    # A clear value must not linger in shared caches or the browser's back-forward cache.
    response["Cache-Control"] = "no-store"
    return response
