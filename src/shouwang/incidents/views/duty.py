"""The duty page: each station's recommended level for a day with its reasons, the
commander's accept / override, planned events, and the history of decisions."""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from shouwang.common.errors import NotPermitted
from shouwang.common.forms import iso_date_input
from shouwang.common.params import iso_date
from shouwang.incidents.actions import EXPECTED_CROWD_MAX, do_create_scheduled_event
from shouwang.incidents.actions_duty import do_decide_duty
from shouwang.incidents.choices import DutyLevel, EventKind
from shouwang.incidents.duty import recommend_stations
from shouwang.incidents.queries import decisions_for_user, events_for_user, stations_for_user
from shouwang.incidents.views.common import actor_of
from shouwang.orgs.models import Unit
from shouwang.orgs.roles import Cap
from shouwang.orgs.scoping import units_for_user

HISTORY = 30


class EventForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("活动名称"), max_length=200)
    kind = forms.ChoiceField(label=gettext_lazy("类型"), choices=EventKind.choices)
    unit = forms.ModelChoiceField(
        queryset=Unit.objects.none(),
        to_field_name="code",
        label=gettext_lazy("所在单位"),
        empty_label=gettext_lazy("请选择单位"),
    )
    starts_on = forms.DateField(label=gettext_lazy("开始日期"), widget=iso_date_input())
    ends_on = forms.DateField(label=gettext_lazy("结束日期"), widget=iso_date_input())
    expected_crowd = forms.IntegerField(
        label=gettext_lazy("预计人数"), min_value=0, max_value=EXPECTED_CROWD_MAX, initial=0
    )


def _day(request: HttpRequest) -> date:
    return iso_date(request.GET.get("day", "")) or timezone.localdate() + timedelta(days=1)


def _page(
    request: HttpRequest, day: date, event_form: EventForm, status: int = 200
) -> HttpResponse:
    actor = actor_of(request)
    stations = list(stations_for_user(actor))
    context = {
        "day": day,
        "today": timezone.localdate(),
        "recommendations": recommend_stations(actor, stations, day),
        "levels": DutyLevel.choices,
        "can_decide": actor.can(Cap.DUTY_DECIDE),
        "events": list(events_for_user(actor).filter(ends_on__gte=timezone.localdate())[:50]),
        "history": list(decisions_for_user(actor)[:HISTORY]),
        "event_form": event_form,
    }
    return render(request, "incidents/duty.html", context, status=status)


def _event_form(request: HttpRequest, data: object = None) -> EventForm:
    form = EventForm(data)  # type: ignore[arg-type]
    field = form.fields["unit"]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = units_for_user(actor_of(request)).exclude(kind="grid").order_by("path")
    return form


@login_required
@require_GET
def duty(request: HttpRequest) -> HttpResponse:
    return _page(request, _day(request), _event_form(request))


@login_required
@require_POST
def decide(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    station = stations_for_user(actor).filter(code=request.POST.get("unit", "")).first()
    day = iso_date(request.POST.get("day", "")) or timezone.localdate()
    if station is None:
        raise PermissionDenied
    try:
        do_decide_duty(
            actor=actor,
            station=station,
            day=day,
            level=request.POST.get("level", ""),
            reason=request.POST.get("reason", ""),
        )
    except NotPermitted:
        raise PermissionDenied from None
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(
                request, _("%(unit)s:%(message)s") % {"unit": station.name, "message": message}
            )
    else:
        messages.success(request, _("已记录%(unit)s的勤务等级。") % {"unit": station.name})
    return redirect(reverse("incidents:duty") + f"?day={day.isoformat()}")


@login_required
@require_POST
def add_event(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = _event_form(request, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            do_create_scheduled_event(actor=actor, note="", **data)
        except NotPermitted:
            raise PermissionDenied from None
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("已登记活动“%(name)s”。") % {"name": data["name"]})
            return redirect(reverse("incidents:duty") + f"?day={data['starts_on'].isoformat()}")
    return _page(request, _day(request), form, status=422)


urlpatterns: list[URLPattern] = [
    path("duty/", duty, name="duty"),
    path("duty/decide/", decide, name="duty-decide"),
    path("duty/events/", add_event, name="event-create"),
]
