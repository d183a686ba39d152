"""The import page (a file and a saved mapping: all rows or none) and the mapping form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from shouwang.common.errors import NotPermitted
from shouwang.incidents.actions import (
    DUPLICATE_METRES_MAX,
    DUPLICATE_MINUTES_MAX,
    do_import_incidents,
    do_save_import_mapping,
)
from shouwang.incidents.choices import IncidentSource
from shouwang.incidents.models import ImportMapping
from shouwang.incidents.queries import access_mapping, mappings_for_user
from shouwang.incidents.reader import MAX_ROWS
from shouwang.orgs.models import Unit, User
from shouwang.orgs.roles import Cap
from shouwang.orgs.scoping import units_for_user, user_covers_unit

ERRORS_SHOWN = 500


def _importer(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    if not user.can(Cap.INCIDENT_IMPORT) or user.is_outside_party:
        raise PermissionDenied
    return user


class ImportForm(forms.Form):
    mapping = forms.ModelChoiceField(
        queryset=ImportMapping.objects.none(),
        label=gettext_lazy("导入映射"),
        empty_label=gettext_lazy("请选择导入映射"),
    )
    file = forms.FileField(
        label=gettext_lazy("警情文件"), help_text=gettext_lazy(".xlsx 或 .csv 文件")
    )
    dry_run = forms.BooleanField(label=gettext_lazy("只检查,不导入"), required=False)


class MappingForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("名称"), max_length=100)
    unit = forms.ModelChoiceField(
        queryset=Unit.objects.none(),
        to_field_name="code",
        label=gettext_lazy("所属单位"),
        empty_label=gettext_lazy("请选择单位"),
    )
    source = forms.ChoiceField(label=gettext_lazy("来源"), choices=IncidentSource.choices)
    time_column = forms.CharField(label=gettext_lazy("时间列"), max_length=100)
    time_format = forms.CharField(
        label=gettext_lazy("时间格式"),
        max_length=50,
        required=False,
        help_text=gettext_lazy("留空则自动识别,如 %Y-%m-%d %H:%M"),
    )
    category_column = forms.CharField(label=gettext_lazy("类别列"), max_length=100)
    category_values = forms.CharField(
        label=gettext_lazy("类别对照"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("每行“文件中的值=类别代码”,如 车辆被盗=vehicle_theft"),
    )
    x_column = forms.CharField(label=gettext_lazy("X/经度列"), max_length=100)
    y_column = forms.CharField(label=gettext_lazy("Y/纬度列"), max_length=100)
    crs = forms.CharField(
        label=gettext_lazy("坐标系"),
        max_length=32,
        initial="EPSG:4326",
        help_text=gettext_lazy("EPSG 代码(如 EPSG:4326、EPSG:2913)、GCJ-02 或 BD-09"),
    )
    address_column = forms.CharField(label=gettext_lazy("地址列"), max_length=100, required=False)
    unit_column = forms.CharField(label=gettext_lazy("单位列"), max_length=100, required=False)
    external_id_column = forms.CharField(
        label=gettext_lazy("编号列"), max_length=100, required=False
    )
    duplicate_minutes = forms.IntegerField(
        label=gettext_lazy("重复判定时间(分钟)"),
        min_value=0,
        max_value=DUPLICATE_MINUTES_MAX,
        initial=10,
    )
    duplicate_metres = forms.IntegerField(
        label=gettext_lazy("重复判定距离(米)"),
        min_value=0,
        max_value=DUPLICATE_METRES_MAX,
        initial=50,
    )

    def clean_category_values(self) -> dict[str, str]:
        pairs: dict[str, str] = {}
        text = self.cleaned_data.get("category_values", "")
        for number, line in enumerate(str(text).splitlines(), start=1):
            if not line.strip():
                continue
            if "=" not in line:
                raise ValidationError(_("第 %(n)d 行应为“值=类别代码”。") % {"n": number})
            value, code = line.split("=", 1)
            pairs[value.strip()] = code.strip()
        return pairs


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    actor = _importer(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    field = form.fields["mapping"]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = mappings_for_user(actor).select_related("unit")
    context: dict[str, Any] = {
        "form": form,
        "max_rows": MAX_ROWS,
        "mappings": list(field.queryset),
    }
    # A mapping of a unit above the user's is used, not changed, by them: no link to its form.
    context["editable"] = {m.pk for m in context["mappings"] if user_covers_unit(actor, m.unit)}
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = do_import_incidents(
                upload.file,
                filename=upload.name or "",
                mapping=form.cleaned_data["mapping"],
                actor=actor,
                dry_run=form.cleaned_data["dry_run"],
            )
        except NotPermitted:
            raise PermissionDenied from None
        context.update(
            result=result,
            errors=result.errors[:ERRORS_SHOWN],
            hidden_errors=max(0, len(result.errors) - ERRORS_SHOWN),
            duplicates=result.duplicates[:ERRORS_SHOWN],
        )
        status = 422 if result.errors else 200
    elif request.method == "POST":
        status = 422
    return render(request, "incidents/import.html", context, status=status)


def _initial(mapping: ImportMapping) -> dict[str, Any]:
    values = {f: getattr(mapping, f) for f in MappingForm.base_fields if hasattr(mapping, f)}
    values["unit"] = mapping.unit.code
    values["category_values"] = "\n".join(f"{k}={v}" for k, v in mapping.category_values.items())
    return values


def _mapping_form(request: HttpRequest, mapping: ImportMapping | None) -> HttpResponse:
    actor = _importer(request)
    if mapping is not None and not user_covers_unit(actor, mapping.unit):
        # A mapping of a unit above the user's is used, not changed, by them.
        raise PermissionDenied
    form = MappingForm(request.POST or None, initial=_initial(mapping) if mapping else None)
    field = form.fields["unit"]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = units_for_user(actor).exclude(kind="grid").order_by("path")
    if mapping is None and actor.unit is not None:
        field.initial = actor.unit.code
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        unit, name = data.pop("unit"), data.pop("name")
        try:
            do_save_import_mapping(actor=actor, unit=unit, name=name, values=data, mapping=mapping)
        except NotPermitted:
            raise PermissionDenied from None
        except ValidationError as exc:
            for key, errors in exc.message_dict.items():
                form.add_error(key if key in form.fields else None, errors)
        else:
            messages.success(request, _("已保存导入映射“%(name)s”。") % {"name": name})
            return redirect("incidents:import")
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "mapping": mapping}
    return render(request, "incidents/mapping_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def mapping_create(request: HttpRequest) -> HttpResponse:
    return _mapping_form(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def mapping_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _mapping_form(request, access_mapping(_importer(request), pk))


urlpatterns: list[URLPattern] = [
    path("import/", import_page, name="import"),
    path("import/mappings/new/", mapping_create, name="mapping-create"),
    path("import/mappings/<int:pk>/", mapping_edit, name="mapping-edit"),
]
