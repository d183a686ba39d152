"""The ledger pages: import a 台账 workbook, download its empty template, export the register."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from shouwang.cases.choices import CaseState
from shouwang.hazards.actions_ledger import do_import_hazard_ledger
from shouwang.hazards.choices import HazardSource
from shouwang.hazards.export import (
    CONTENT_TYPES,
    FORMATS,
    audit_export,
    export_filename,
    export_queryset,
    iter_csv,
    xlsx_bytes,
)
from shouwang.hazards.ledger import COLUMNS, MAX_ROWS
from shouwang.hazards.ledger_template import template_workbook
from shouwang.hazards.views.forms import parse_filter
from shouwang.orgs.choices import UnitKind
from shouwang.orgs.models import Unit, User
from shouwang.orgs.roles import Cap
from shouwang.orgs.scoping import units_for_user

# A page of thousands of errors helps no one; the count says how many more there are.
ERRORS_SHOWN = 500


def _actor(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User), "views here are behind login_required"
    return user


def _require_import(user: User) -> None:
    if not user.can(Cap.HAZARD_IMPORT) or user.is_outside_party:
        raise PermissionDenied


class UnitChoiceField(forms.ModelChoiceField[Unit]):
    def label_from_instance(self, obj: Unit) -> str:
        return f"{obj.name}({obj.code})"


class LedgerImportForm(forms.Form):
    unit = UnitChoiceField(
        queryset=Unit.objects.none(),
        to_field_name="code",
        label=gettext_lazy("导入到单位"),
        # Django's own default ("- Select an option -") has no Chinese translation.
        empty_label=gettext_lazy("请选择单位"),
        help_text=gettext_lazy("隐患将登记在该单位辖区内的网格。"),
    )
    file = forms.FileField(
        label=gettext_lazy("台账文件"), help_text=gettext_lazy(".xlsx 或 .csv 文件")
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, UnitChoiceField)
        field.queryset = units_for_user(user).exclude(kind=UnitKind.CENTRE).order_by("path")
        if user.unit is not None:
            field.initial = user.unit.code


@login_required
@require_http_methods(["GET", "POST"])
def hazard_import(request: HttpRequest) -> HttpResponse:
    """Upload a ledger; every row is checked first and nothing is written if any is wrong."""
    actor = _actor(request)
    _require_import(actor)
    form = LedgerImportForm(request.POST or None, request.FILES or None, user=actor)
    context: dict[str, Any] = {"form": form, "columns": COLUMNS, "max_rows": MAX_ROWS}
    if request.method != "POST":
        return render(request, "hazards/import.html", context)
    if not form.is_valid():
        return render(request, "hazards/import.html", context, status=400)
    upload = form.cleaned_data["file"]
    unit: Unit = form.cleaned_data["unit"]
    try:
        result = do_import_hazard_ledger(upload, unit=unit, actor=actor, filename=upload.name)
    except ValidationError as exc:
        form.add_error("unit", exc.messages[0] if exc.messages else _("无效的单位。"))
        return render(request, "hazards/import.html", context, status=400)
    if not result.ok:
        context.update(
            result=result,
            errors=result.errors[:ERRORS_SHOWN],
            hidden_errors=max(len(result.errors) - ERRORS_SHOWN, 0),
        )
        return render(request, "hazards/import.html", context, status=400)
    states = [(_state_label(state), count) for state, count in sorted(result.states.items())]
    return render(
        request,
        "hazards/import_result.html",
        {"result": result, "unit": unit, "states": states, "source": HazardSource.IMPORT.value},
    )


def _state_label(state: str) -> str:
    try:
        return str(CaseState(state).label)
    except ValueError:
        return state


@login_required
@require_GET
def ledger_template(request: HttpRequest) -> HttpResponse:
    """The empty workbook, with the user's own grids in the grid drop-down."""
    actor = _actor(request)
    _require_import(actor)
    grids = list(units_for_user(actor).filter(kind=UnitKind.GRID).order_by("path"))
    response = HttpResponse(template_workbook(grids), content_type=CONTENT_TYPES["xlsx"])
    response["Content-Disposition"] = content_disposition_header(True, _("隐患台账模板") + ".xlsx")
    return response


@login_required
@require_GET
def hazard_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """The filtered register as Excel or CSV; the same rows the list shows, audited."""
    if fmt not in FORMATS:
        raise Http404
    actor = _actor(request)
    if not actor.can(Cap.HAZARD_VIEW):
        raise PermissionDenied
    hazard_filter, errors = parse_filter(request.GET)
    if errors:
        return HttpResponse("\n".join(errors), status=400, content_type="text/plain; charset=utf-8")
    queryset = export_queryset(actor, hazard_filter)
    audit_export(actor, hazard_filter, queryset.count(), fmt)
    response: HttpResponseBase
    if fmt == "csv":
        response = StreamingHttpResponse(iter_csv(queryset), content_type=CONTENT_TYPES["csv"])
    else:
        response = HttpResponse(xlsx_bytes(queryset), content_type=CONTENT_TYPES["xlsx"])
    response["Content-Disposition"] = content_disposition_header(True, export_filename(fmt))
    return response


urlpatterns: list[URLPattern] = [
    path("import/", hazard_import, name="hazard-import"),
    path("import/template.xlsx", ledger_template, name="ledger-template"),
    path("export.<str:fmt>/", hazard_export, name="hazard-export"),
]
