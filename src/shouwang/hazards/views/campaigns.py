"""Inspection campaigns (集中排查统一行动): list, create, progress, and recording checks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shouwang.common.errors import NotPermitted
from shouwang.common.forms import iso_date_input
from shouwang.hazards import stats
from shouwang.hazards.actions import do_create_campaign, do_record_check
from shouwang.hazards.choices import CheckResult, HazardGrade, PremisesType
from shouwang.hazards.models import Campaign, Premises
from shouwang.hazards.queries import access_campaign, campaigns_for_user
from shouwang.hazards.views.forms import PremisesChoiceField, searchable_premises
from shouwang.orgs.choices import UnitKind
from shouwang.orgs.models import Unit
from shouwang.orgs.roles import Cap
from shouwang.orgs.scoping import units_for_user

if TYPE_CHECKING:
    from shouwang.orgs.models import User

PAGE_SIZE = 50
UNCHECKED_SHOWN = 200


def _user(request: HttpRequest) -> User:
    user = request.user
    assert user.is_authenticated
    return user


def _add_action_errors(form: forms.Form, error: ValidationError) -> None:
    """Put an action's errors next to the fields they name; the rest above the form."""
    if hasattr(error, "error_dict"):
        for field_name, errors in error.error_dict.items():
            form.add_error(field_name if field_name in form.fields else None, errors)
    else:
        form.add_error(None, error)


class _UnitChoice(forms.ModelChoiceField[Unit]):
    # Indented by depth below the user's own unit, so the list reads as the tree it is.
    base_depth = 0

    def label_from_instance(self, obj: Unit) -> str:
        return f"{'　' * (obj.depth - self.base_depth)}{obj.name}"


class _UnitsChoice(forms.ModelMultipleChoiceField[Unit]):
    base_depth = 0

    def label_from_instance(self, obj: Unit) -> str:
        indent = "　" * (obj.depth - self.base_depth)
        return f"{indent}{obj.name}({obj.get_kind_display()})"


class CampaignForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("行动名称"), max_length=200)
    unit = _UnitChoice(
        label=gettext_lazy("组织单位"),
        queryset=Unit.objects.none(),
        # Django's own default ("- Select an option -") has no Chinese translation.
        empty_label=gettext_lazy("请选择单位"),
    )
    scope_units = _UnitsChoice(
        label=gettext_lazy("排查范围"),
        queryset=Unit.objects.none(),
        help_text=gettext_lazy("可多选(按住 Ctrl 或 ⌘);所选单位及其下级的场所都在范围内。"),
    )
    premises_types = forms.MultipleChoiceField(
        label=gettext_lazy("场所类型"),
        choices=PremisesType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=gettext_lazy("不选表示所有类型。"),
    )
    starts_on = forms.DateField(label=gettext_lazy("开始日期"), widget=iso_date_input())
    ends_on = forms.DateField(label=gettext_lazy("结束日期"), widget=iso_date_input())
    description = forms.CharField(
        label=gettext_lazy("说明"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = units_for_user(user).order_by("path")
        base_depth = user.unit.depth if user.unit is not None else 0
        unit_field, scope_field = self.fields["unit"], self.fields["scope_units"]
        assert isinstance(unit_field, _UnitChoice) and isinstance(scope_field, _UnitsChoice)
        unit_field.queryset = units.exclude(kind=UnitKind.GRID)
        scope_field.queryset = units
        unit_field.base_depth = scope_field.base_depth = base_depth
        scope_field.widget.attrs["size"] = 10


class CheckForm(forms.Form):
    premises = PremisesChoiceField(
        label=gettext_lazy("场所"),
        queryset=Premises.objects.none(),
        empty_label=gettext_lazy("请选择场所"),
    )
    result = forms.ChoiceField(
        label=gettext_lazy("检查结果"), choices=CheckResult.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=gettext_lazy("备注"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, campaign: Campaign, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only premises the user may check and that are still unchecked in this campaign.
        premises_field: Any = self.fields["premises"]
        premises_field.queryset = stats.unchecked_premises(campaign, user)
        searchable_premises(premises_field, campaign)


def type_labels(campaign: Campaign) -> list[str]:
    labels = dict(PremisesType.choices)
    return [str(labels.get(t, t)) for t in campaign.premises_types]


def _list_queryset(user: User) -> QuerySet[Campaign]:
    # No counts here: a campaign's figures depend on the viewer's jurisdiction, and the
    # detail page computes them scoped.
    return campaigns_for_user(user).select_related("unit").order_by("-starts_on", "-id")


@login_required
@require_GET
def campaign_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not user.can(Cap.HAZARD_VIEW) or user.is_outside_party:
        raise Http404
    page = Paginator(_list_queryset(user), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(c, type_labels(c)) for c in page.object_list]
    return render(
        request,
        "hazards/campaign_list.html",
        {"page": page, "rows": rows, "can_create": user.can(Cap.CAMPAIGN_MANAGE)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not user.can(Cap.CAMPAIGN_MANAGE) or user.is_outside_party:
        raise Http404
    if request.method == "POST":
        form = CampaignForm(request.POST, user=user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                campaign = do_create_campaign(
                    actor=user,
                    name=data["name"],
                    unit=data["unit"],
                    scope_units=list(data["scope_units"]),
                    premises_types=list(data["premises_types"]),
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    description=data["description"],
                )
            except ValidationError as error:
                _add_action_errors(form, error)
            else:
                messages.success(request, _("排查行动“%(name)s”已创建。") % {"name": campaign.name})
                return redirect("hazards:campaign-detail", pk=campaign.pk)
        status = 400
    else:
        today = timezone.localdate()
        form = CampaignForm(user=user, initial={"unit": user.unit, "starts_on": today})
        status = 200
    return render(request, "hazards/campaign_form.html", {"form": form}, status=status)


def _detail_context(
    request: HttpRequest, campaign: Campaign, check_form: CheckForm | None
) -> dict[str, Any]:
    user = _user(request)
    progress = stats.campaign_progress(campaign, user)
    can_check = user.can(Cap.HAZARD_REGISTER) and not user.is_outside_party
    unchecked = stats.unchecked_premises(campaign, user)
    if can_check and check_form is None:
        check_form = CheckForm(campaign=campaign, user=user)
    hazards = (
        stats.campaign_hazards(campaign, user)
        .select_related("unit", "premises")
        .order_by("-found_at", "-pk")
    )
    grades = {str(k): str(v) for k, v in HazardGrade.choices}
    return {
        "campaign": campaign,
        "progress": progress,
        "scope_units": list(campaign.scope_units.order_by("path")),
        "type_labels": type_labels(campaign),
        "hazards": [(h, grades.get(h.grade, "")) for h in hazards[:PAGE_SIZE]],
        "hazards_more": max(progress.hazards - PAGE_SIZE, 0),
        "unchecked": unchecked[:UNCHECKED_SHOWN],
        "unchecked_more": max(progress.premises - progress.checked - UNCHECKED_SHOWN, 0),
        "check_form": check_form if can_check else None,
        "can_register": can_check,
    }


@login_required
@require_GET
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = access_campaign(_user(request), pk)
    return render(request, "hazards/campaign_detail.html", _detail_context(request, campaign, None))


@login_required
@require_POST
def campaign_check(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    campaign = access_campaign(user, pk)
    if not user.can(Cap.HAZARD_REGISTER) or user.is_outside_party:
        raise Http404
    form = CheckForm(request.POST, campaign=campaign, user=user)
    if form.is_valid():
        try:
            check = do_record_check(
                campaign,
                premises=form.cleaned_data["premises"],
                result=form.cleaned_data["result"],
                note=form.cleaned_data["note"],
                actor=user,
            )
        except NotPermitted:
            raise Http404 from None
        except ValidationError as error:
            _add_action_errors(form, error)
        else:
            messages.success(
                request,
                _("已记录:%(premises)s,%(result)s。")
                % {"premises": check.premises.name, "result": check.get_result_display()},
            )
            return redirect("hazards:campaign-detail", pk=campaign.pk)
    context = _detail_context(request, campaign, form)
    return render(request, "hazards/campaign_detail.html", context, status=400)


urlpatterns: list[URLPattern] = [
    path("campaigns/", campaign_list, name="campaign-list"),
    path("campaigns/new/", campaign_create, name="campaign-create"),
    path("campaigns/<int:pk>/", campaign_detail, name="campaign-detail"),
    path("campaigns/<int:pk>/check/", campaign_check, name="campaign-check"),
]
