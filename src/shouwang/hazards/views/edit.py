"""Correcting a hazard's details: the page behind "修改信息" on the hazard's detail.

The form is the registration form's fields, filled with the hazard as it is, except the
responsible person and phone: those are personal and only shown masked, so they start empty
and an empty field keeps the stored value (a box clears it). The form carries the state and
`updated_at` it was loaded with, and the action refuses the edit if either moved meanwhile.
"""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from shouwang.audit.queries import mask_value
from shouwang.cases.choices import ENDED_STATES
from shouwang.common.errors import NotPermitted
from shouwang.hazards.actions_edit import REQUIREMENT_STATES, do_update_hazard, may_update_hazard
from shouwang.hazards.models import Hazard
from shouwang.hazards.queries import access_hazard, premises_for_user
from shouwang.hazards.views.forms import RegisterForm, searchable_premises
from shouwang.hazards.views.pages import attach_errors
from shouwang.orgs.models import User
from shouwang.orgs.roles import Cap

# The map picker rounds a point to six decimals; closer than that is the same point.
_POINT_DECIMALS = 6
# Personal fields and the box that clears each: empty input keeps the stored value.
_PERSONAL_INPUTS = (("responsible_contact", "clear_contact"), ("responsible_phone", "clear_phone"))


def _register_field(name: str) -> forms.Field:
    """The registration form's field: same label, widget and checks on both pages."""
    return copy.deepcopy(RegisterForm.base_fields[name])


class EditForm(forms.Form):
    title = _register_field("title")
    category = _register_field("category")
    description = _register_field("description")
    found_at = forms.DateTimeField(
        label=gettext_lazy("发现时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    lat = _register_field("lat")
    lon = _register_field("lon")
    address = _register_field("address")
    premises = _register_field("premises")
    responsible_name = _register_field("responsible_name")
    responsible_contact = _register_field("responsible_contact")
    clear_contact = forms.BooleanField(label=gettext_lazy("清除责任人"), required=False)
    responsible_phone = _register_field("responsible_phone")
    clear_phone = forms.BooleanField(label=gettext_lazy("清除责任人电话"), required=False)
    requirement = forms.CharField(
        label=gettext_lazy("整改要求"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # What the form was loaded with: the action refuses the edit if the hazard moved on.
    loaded_state = forms.CharField(widget=forms.HiddenInput)
    loaded_at = forms.DateTimeField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, actor: User, hazard: Hazard, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        premises_field: Any = self.fields["premises"]
        premises_field.queryset = premises_for_user(actor)
        searchable_premises(premises_field)
        if hazard.state not in REQUIREMENT_STATES:
            del self.fields["requirement"]
        for name, clear in _PERSONAL_INPUTS:
            masked = mask_value(hazard, name)
            field = self.fields[name]
            field.help_text = (
                _("当前为 %(masked)s;留空则不修改。") % {"masked": masked}
                if masked
                else _("当前未填写。")
            )
            if not masked:
                del self.fields[clear]

    @staticmethod
    def initial_for(hazard: Hazard) -> dict[str, Any]:
        return {
            "title": hazard.title,
            "category": hazard.category,
            "description": hazard.description,
            "found_at": hazard.found_at,
            "lat": hazard.lat,
            "lon": hazard.lon,
            "address": hazard.address,
            "premises": hazard.premises_id,
            "responsible_name": hazard.responsible_name,
            "requirement": hazard.requirement,
            "loaded_state": hazard.state,
            # Full precision: it is compared for equality with the stored value.
            "loaded_at": hazard.updated_at.isoformat(),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("lat") is None) != (data.get("lon") is None):
            self.add_error("lat", _("经纬度必须同时填写。"))
        return data


def changes_from(data: dict[str, Any], hazard: Hazard) -> dict[str, Any]:
    """What the submitted form asks to change. Values the form cannot carry exactly (the
    minute of `found_at`, the sixth decimal of the point) count as unchanged when they match
    the stored value as the form showed it; the action drops the other unchanged values."""
    changes = {
        name: data[name]
        for name in ("title", "category", "description", "address", "premises", "responsible_name")
    }
    if "requirement" in data:
        changes["requirement"] = data["requirement"]
    shown = timezone.localtime(hazard.found_at).replace(second=0, microsecond=0)
    if data["found_at"] != shown:
        changes["found_at"] = data["found_at"]
    if not (_same(data["lat"], hazard.lat) and _same(data["lon"], hazard.lon)):
        changes.update(lat=data["lat"], lon=data["lon"])
    for name, clear in _PERSONAL_INPUTS:
        if data.get(clear):
            changes[name] = ""
        elif data[name]:
            changes[name] = data[name]
    return changes


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return round(a, _POINT_DECIMALS) == round(b, _POINT_DECIMALS)


def _actor(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User), "views here are behind login_required"
    return user


@login_required
@require_http_methods(["GET", "POST"])
def hazard_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    hazard = access_hazard(actor, pk)
    detail = reverse("hazards:hazard-detail", args=[hazard.pk])
    status = 200
    if request.method == "POST":
        # The action decides from the state the hazard has now; here only who may try at all,
        # so that a registrar whose form went stale is told so rather than refused.
        if actor.is_outside_party or not (
            actor.can(Cap.HAZARD_MANAGE) or actor.can(Cap.HAZARD_REGISTER)
        ):
            raise PermissionDenied
        form = EditForm(request.POST, actor=actor, hazard=hazard)
        if form.is_valid():
            data = form.cleaned_data
            loaded_at: datetime = data["loaded_at"]
            before = hazard.updated_at
            try:
                do_update_hazard(
                    hazard,
                    actor=actor,
                    if_state=data["loaded_state"],
                    if_updated_at=loaded_at,
                    **changes_from(data, hazard),
                )
            except NotPermitted:
                raise PermissionDenied from None
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                if hazard.updated_at == before:
                    messages.info(request, _("没有需要保存的修改。"))
                else:
                    messages.success(
                        request,
                        _("已保存对 %(reference)s 的修改。") % {"reference": hazard.reference},
                    )
                return redirect(detail)
        status = 422
    else:
        if not may_update_hazard(actor, hazard):
            raise PermissionDenied
        if hazard.state in ENDED_STATES:
            messages.error(request, _("已销号或已撤销的隐患不能修改,请先重新打开。"))
            return redirect(detail)
        form = EditForm(initial=EditForm.initial_for(hazard), actor=actor, hazard=hazard)
    context = {
        "hazard": hazard,
        "form": form,
        "detail_url": detail,
        "tile_url": settings.MAP_TILE_URL,
        "units_url": reverse("hazards:unit-geojson"),
    }
    return render(request, "hazards/edit.html", context, status=status)


urlpatterns: list[URLPattern] = [
    path("<int:pk>/edit/", hazard_edit, name="hazard-edit"),
]
