"""Forms of the hazard pages: the register's filter, the lifecycle steps and the phone form.

Forms only shape and check the input; the `do_*` actions decide what is allowed and write.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import RegexValidator
from django.db.models import Count, QuerySet
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise
from pydantic import ValidationError as PydanticValidationError

from shouwang.cases.actions import is_assignee
from shouwang.cases.choices import OPEN_STATES, CaseState, EvidenceStage
from shouwang.cases.evidence import check_evidence_file
from shouwang.cases.queries import assignable_organisations
from shouwang.common.search_select import SearchSelect, use_search
from shouwang.hazards.choices import HazardCategory, HazardGrade
from shouwang.hazards.filters import HazardFilter
from shouwang.hazards.models import Campaign, Hazard, Premises
from shouwang.hazards.queries import campaigns_for_user, premises_for_user
from shouwang.orgs.choices import Role, UnitKind
from shouwang.orgs.models import Organisation, Unit, User
from shouwang.orgs.roles import Cap
from shouwang.orgs.scoping import for_user, units_for_user

# ---------------------------------------------------------------- the register's filter

_LIST_PARAMS = ("state", "category", "grade", "source")
FILTER_LABELS = {
    "q": gettext_lazy("关键词"),
    "state": gettext_lazy("状态"),
    "open": gettext_lazy("是否销号"),
    "category": gettext_lazy("隐患类别"),
    "grade": gettext_lazy("等级"),
    "source": gettext_lazy("发现渠道"),
    "unit": gettext_lazy("辖区"),
    "overdue": gettext_lazy("逾期"),
    "campaign": gettext_lazy("排查行动"),
    "found_from": gettext_lazy("发现时间起"),
    "found_to": gettext_lazy("发现时间止"),
    "sort": gettext_lazy("排序"),
}


def parse_filter(
    params: QueryDict, *, default_open: bool = False
) -> tuple[HazardFilter, list[str]]:
    """The filter for a request's query string, and the errors that make it unusable.

    On errors the filter returned matches nothing new: the caller shows the errors instead of
    silently dropping a condition the user asked for.
    """
    data: dict[str, Any] = {}
    for key in params:
        if key in _LIST_PARAMS:
            data[key] = params.getlist(key)
        elif key in FILTER_LABELS and params.get(key, "").strip():
            # A blank field of the submitted form means "any", not "invalid".
            data[key] = params.get(key, "")
    if default_open and not data.get("state") and "open" not in params:
        data["open"] = True
    try:
        return HazardFilter.model_validate(data), []
    except PydanticValidationError as exc:
        errors = []
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else ""
            value = params.get(field, "")
            errors.append(
                _("筛选条件“%(field)s”的值“%(value)s”无效。")
                % {"field": FILTER_LABELS.get(field, field), "value": value[:50]}
            )
        return HazardFilter(), errors


def selected_values(params: QueryDict) -> dict[str, list[str]]:
    """The raw selected values per parameter, for re-displaying the filter form as sent."""
    return {
        key: [v for item in params.getlist(key) for v in item.split(",") if v] for key in params
    }


# ---------------------------------------------------------------- shared fields


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name; each is checked as evidence (type by content, size)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile[bytes]]:
        items = data if isinstance(data, list | tuple) else [data]
        files = [super(MultipleFileField, self).clean(item, initial) for item in items]
        uploads: list[UploadedFile[bytes]] = [f for f in files if f]
        errors: list[str] = []
        for upload in uploads:
            try:
                check_evidence_file(upload)
            except ValidationError as exc:
                errors.extend(f"{upload.name}:{message}" for message in exc.messages)
            # The action reads the file again to store it.
            upload.seek(0)
        if errors:
            raise ValidationError(errors)
        return uploads


def _deadline_field() -> forms.DateTimeField:
    return forms.DateTimeField(
        label=gettext_lazy("整改期限"),
        required=False,
        help_text=gettext_lazy("不填则按等级的时限规则自动计算"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


def _note_field(required: bool = False, label: StrOrPromise | None = None) -> forms.CharField:
    return forms.CharField(
        label=label or gettext_lazy("说明"),
        required=required,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class UnitChoiceField(forms.ModelChoiceField[Unit]):
    widget = SearchSelect(fields=("name", "code"))

    def label_from_instance(self, obj: Unit) -> str:
        return f"{obj.name}({obj.get_kind_display()})"


class OrganisationChoiceField(forms.ModelChoiceField[Organisation]):
    """Organisations by name; where names repeat in the list (registers have namesakes), with
    what tells them apart, so that a hazard is not assigned to the wrong one unnoticed."""

    widget = SearchSelect(fields=("name", "credit_code", "address"))
    repeated_names: frozenset[str] = frozenset()

    def label_from_instance(self, obj: Organisation) -> str:
        if obj.name not in self.repeated_names:
            return obj.name
        return f"{obj.name}({organisation_distinction(obj)})"


def premises_label(premises: Premises) -> str:
    # The address tells namesakes apart (a chain's shops, "rental house" entries).
    return f"{premises.name} · {premises.address}" if premises.address else premises.name


class PremisesChoiceField(forms.ModelChoiceField[Premises]):
    widget = SearchSelect(fields=("name", "address"))

    def label_from_instance(self, obj: Premises) -> str:
        return premises_label(obj)


def searchable_premises(field: forms.Field, campaign: Campaign | None = None) -> None:
    url = reverse("hazards:premises-options")
    use_search(field, f"{url}?campaign={campaign.pk}" if campaign is not None else url)


def organisation_distinction(organisation: Organisation) -> str:
    """What tells an organisation from others of its name: the end of its unified social credit
    code (unique by law) and its grid; without a code, its address and its id."""
    parts = []
    if organisation.credit_code:
        parts.append(_("信用代码尾号 %(tail)s") % {"tail": organisation.credit_code[-6:]})
    if organisation.unit is not None:
        parts.append(organisation.unit.name)
    if not organisation.credit_code:
        parts += [organisation.address, f"#{organisation.pk}"]
    return " · ".join(p for p in parts if p)


class OfficerChoiceField(forms.ModelChoiceField[User]):
    widget = SearchSelect(fields=("display_name", "username", "unit__name"))

    def label_from_instance(self, obj: User) -> str:
        unit = obj.unit.name if obj.unit else ""
        return f"{obj} · {obj.get_role_display()} · {unit}"


# ---------------------------------------------------------------- lifecycle steps


class GradeForm(forms.Form):
    grade = forms.ChoiceField(
        label=gettext_lazy("等级"), choices=[("", gettext_lazy("请选择等级")), *HazardGrade.choices]
    )
    deadline = _deadline_field()
    note = _note_field()

    def __init__(self, *args: Any, hazard: Hazard, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Re-grading starts from the current grade; a first grading is a deliberate choice.
        self.initial.setdefault("grade", hazard.grade)


POLICE_ROLES = (Role.GRID_WORKER, Role.STATION_CHIEF, Role.COMMAND)
ASSIGNABLE_UNIT_KINDS = (UnitKind.STATION, UnitKind.COMMUNITY, UnitKind.GRID)


class AssignForm(forms.Form):
    requirement = forms.CharField(
        label=gettext_lazy("整改要求"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    organisation = OrganisationChoiceField(
        label=gettext_lazy("整改责任单位"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=gettext_lazy("(不交给企业或部门)"),
    )
    unit = UnitChoiceField(
        label=gettext_lazy("承办单位"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=gettext_lazy("(不指定单位)"),
    )
    user = OfficerChoiceField(
        label=gettext_lazy("承办人"),
        queryset=User.objects.none(),
        required=False,
        empty_label=gettext_lazy("(不指定个人)"),
    )
    deadline = _deadline_field()
    note = _note_field()

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Choices are what the actor may assign to: units, officers and companies in its subtree.
        unit_field: Any = self.fields["unit"]
        unit_field.queryset = units_for_user(actor).filter(kind__in=ASSIGNABLE_UNIT_KINDS)
        user_field: Any = self.fields["user"]
        officers = User.objects.filter(is_active=True, role__in=POLICE_ROLES)
        user_field.queryset = (
            for_user(officers, actor).select_related("unit").order_by("unit__path", "username")
        )
        org_field: Any = self.fields["organisation"]
        org_field.queryset = assignable_organisations(actor).select_related("unit")
        repeated = (
            org_field.queryset.values("name")
            .annotate(n=Count("pk"))
            .filter(n__gt=1)
            .values_list("name", flat=True)
        )
        org_field.repeated_names = frozenset(repeated)
        for name in ("organisation", "unit", "user"):
            use_search(self.fields[name], reverse("hazards:assign-options", args=[name]))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("unit") or data.get("user") or data.get("organisation")):
            raise ValidationError(_("请指定承办单位、承办人或整改责任单位。"))
        return data


def evidence_stages(user: User) -> list[tuple[str, str]]:
    """The evidence stages `user` may upload: the find, the rectification, the check."""
    allowed = []
    if user.can(Cap.HAZARD_REGISTER) and not user.is_outside_party:
        allowed.append(EvidenceStage.BEFORE)
    if user.can(Cap.HAZARD_RECTIFY):
        allowed.append(EvidenceStage.AFTER)
    if user.can(Cap.HAZARD_VERIFY) and not user.is_outside_party:
        allowed.append(EvidenceStage.VERIFICATION)
    return [(s.value, str(s.label)) for s in allowed]


class EvidenceForm(forms.Form):
    stage = forms.ChoiceField(label=gettext_lazy("阶段"), choices=())
    upload = MultipleFileField(
        label=gettext_lazy("照片或 PDF"),
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
    )

    def __init__(self, *args: Any, actor: User, hazard: Hazard, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        stages = evidence_stages(actor)
        stage_field: Any = self.fields["stage"]
        stage_field.choices = stages
        # Most uploads after assignment are the rectification photos.
        if hazard.state == CaseState.ASSIGNED and EvidenceStage.AFTER in dict(stages):
            self.initial.setdefault("stage", EvidenceStage.AFTER)
        elif hazard.state == CaseState.SUBMITTED and EvidenceStage.VERIFICATION in dict(stages):
            self.initial.setdefault("stage", EvidenceStage.VERIFICATION)


class NoteForm(forms.Form):
    note = _note_field()


class RequiredNoteForm(forms.Form):
    note = _note_field(required=True)


class ReopenForm(forms.Form):
    note = _note_field(required=True, label=gettext_lazy("重新打开的原因"))
    deadline = _deadline_field()


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("撤销原因"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


ACTION_FORMS: dict[str, tuple[type[forms.Form], Any, str]] = {
    # action: (form, title, button style)
    "grade": (GradeForm, gettext_lazy("分级"), "primary"),
    "assign": (AssignForm, gettext_lazy("交办整改"), "primary"),
    "evidence": (EvidenceForm, gettext_lazy("上传证据"), ""),
    "submit": (NoteForm, gettext_lazy("报送整改完成"), "primary"),
    "verify": (NoteForm, gettext_lazy("核查通过并销号"), "primary"),
    "reject": (RequiredNoteForm, gettext_lazy("核查不通过(退回整改)"), "danger"),
    "reopen": (ReopenForm, gettext_lazy("重新打开"), ""),
    "cancel": (CancelForm, gettext_lazy("撤销隐患"), "danger"),
}


def available_actions(user: User, hazard: Hazard) -> list[str]:
    """The steps `user` may take on `hazard` in its current state, in the order of the loop.

    This only decides which forms to show; the actions check everything again.
    """
    state = hazard.state
    manage = user.can(Cap.HAZARD_MANAGE) and not user.is_outside_party
    actions = []
    if manage and state in {CaseState.REGISTERED, CaseState.GRADED, CaseState.ASSIGNED}:
        actions.append("grade")
    if manage and state in {CaseState.GRADED, CaseState.ASSIGNED}:
        actions.append("assign")
    if state in OPEN_STATES and evidence_stages(user):
        actions.append("evidence")
    if (
        state == CaseState.ASSIGNED
        and user.can(Cap.HAZARD_RECTIFY)
        and (manage or is_assignee(user, hazard))
    ):
        actions.append("submit")
    if (
        state == CaseState.SUBMITTED
        and user.can(Cap.HAZARD_VERIFY)
        and not user.is_outside_party
        and not is_rectifier(user, hazard)
    ):
        actions += ["verify", "reject"]
    if manage and state == CaseState.CLOSED:
        actions.append("reopen")
    if manage and state in OPEN_STATES:
        actions.append("cancel")
    return actions


def is_rectifier(user: User, hazard: Hazard) -> bool:
    """Whether `user` did the work, and so may not verify it."""
    return user.pk in {hazard.submitted_by_id, hazard.assignee_user_id}


def build_action_form(
    action: str,
    *,
    actor: User,
    hazard: Hazard,
    data: QueryDict | None = None,
    files: Any = None,
) -> forms.Form:
    form_class = ACTION_FORMS[action][0]
    kwargs: dict[str, Any] = {"prefix": action}
    if form_class is AssignForm:
        kwargs["actor"] = actor
    if form_class is GradeForm:
        kwargs["hazard"] = hazard
    if form_class is EvidenceForm:
        kwargs.update(actor=actor, hazard=hazard)
    return form_class(data, files, **kwargs)


# ---------------------------------------------------------------- the phone registration form

phone_validator = RegexValidator(
    r"^[0-9+\-() ]{3,32}$", gettext_lazy("请输入有效的电话号码(数字、空格、+、-)。")
)


class RegisterForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("标题"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("例如:消防通道堵塞")}),
    )
    category = forms.ChoiceField(
        label=gettext_lazy("隐患类别"), choices=HazardCategory.choices, widget=forms.RadioSelect
    )
    description = forms.CharField(
        label=gettext_lazy("隐患描述"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    lat = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-90, max_value=90)
    lon = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-180, max_value=180)
    unit = UnitChoiceField(
        label=gettext_lazy("网格"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=gettext_lazy("按地图选点自动确定"),
        help_text=gettext_lazy("未在地图上选点时必须选择网格"),
    )
    address = forms.CharField(label=gettext_lazy("地址"), max_length=300, required=False)
    premises = PremisesChoiceField(
        label=gettext_lazy("场所"),
        queryset=Premises.objects.none(),
        required=False,
        empty_label=gettext_lazy("不关联场所"),
    )
    campaign = forms.ModelChoiceField(
        label=gettext_lazy("排查行动"),
        queryset=Campaign.objects.none(),
        required=False,
        empty_label=gettext_lazy("不属于排查行动"),
    )
    responsible_name = forms.CharField(label=gettext_lazy("责任方"), max_length=200, required=False)
    responsible_contact = forms.CharField(
        label=gettext_lazy("责任人"), max_length=50, required=False
    )
    responsible_phone = forms.CharField(
        label=gettext_lazy("责任人电话"),
        max_length=32,
        required=False,
        validators=[phone_validator],
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    photos = MultipleFileField(
        label=gettext_lazy("现场照片"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        grids: QuerySet[Unit] = units_for_user(actor).filter(kind=UnitKind.GRID)
        unit_field: Any = self.fields["unit"]
        unit_field.queryset = grids
        premises_field: Any = self.fields["premises"]
        premises_field.queryset = premises_for_user(actor)
        searchable_premises(premises_field)
        use_search(unit_field, reverse("hazards:register-grids"))
        campaign_field: Any = self.fields["campaign"]
        campaign_field.queryset = campaigns_for_user(actor).filter(
            starts_on__lte=timezone.localdate(), ends_on__gte=timezone.localdate()
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("lat") is None) != (data.get("lon") is None):
            self.add_error("lat", _("经纬度必须同时填写。"))
        elif (
            data.get("lat") is None
            and not data.get("unit")
            and not data.get("premises")
            and "unit" not in self.errors
        ):
            # Said now, with the other mistakes, rather than after they are fixed.
            self.add_error("unit", _("请在地图上选点或选择网格。"))
        return data
