"""The SLA table in the Django admin. Cases themselves are changed only through actions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest
from django.utils.translation import gettext as _

from shouwang.audit.admin import AuditedAdmin
from shouwang.cases.actions_sla import HOURS_MAX, HOURS_MIN, do_set_sla_rule
from shouwang.cases.kinds import all_kinds, get_kind
from shouwang.cases.models import SlaRule
from shouwang.orgs.models import User
from shouwang.orgs.roles import Cap


class SlaRuleForm(forms.ModelForm[SlaRule]):
    kind = forms.ChoiceField(choices=())

    class Meta:
        model = SlaRule
        fields = ["kind", "grade", "hours", "escalate_every_hours"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["kind"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(k.name, f"{k.name} ({k.prefix})") for k in all_kinds()]

    def clean(self) -> dict[str, Any]:
        # The same checks as do_set_sla_rule, so that a bad value is a form error, not a 500.
        data = super().clean() or {}
        kind, grade = data.get("kind", ""), data.get("grade", "")
        try:
            grades = get_kind(kind).grades.values
        except LookupError:
            grades = []
        if grade and grade not in grades:
            self.add_error("grade", _("无效的等级。"))
        for name in ("hours", "escalate_every_hours"):
            value = data.get(name)
            if value is not None and not HOURS_MIN <= value <= HOURS_MAX:
                message = _("小时数必须在 %(min)d 到 %(max)d 之间。")
                self.add_error(name, message % {"min": HOURS_MIN, "max": HOURS_MAX})
        return data


def can_edit_deadlines(request: HttpRequest) -> bool:
    """Whether the admin user may edit deadline tables (cases' SLA, partner requests')."""
    return isinstance(request.user, User) and request.user.can(Cap.SLA_EDIT)


@admin.register(SlaRule)
class SlaRuleAdmin(AuditedAdmin):
    form = SlaRuleForm
    list_display = ["kind", "grade", "hours", "escalate_every_hours"]
    list_filter = ["kind"]

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> list[str]:
        # A rule is identified by its kind and grade; changing them would be another rule.
        return ["kind", "grade"] if obj is not None else []

    def has_add_permission(self, request: HttpRequest) -> bool:
        return can_edit_deadlines(request) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return can_edit_deadlines(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return can_edit_deadlines(request) and super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Model, form: Any, change: bool) -> None:
        # Through the action, which validates, upserts and audits like the SLA page does.
        assert isinstance(obj, SlaRule) and isinstance(request.user, User)
        saved = do_set_sla_rule(
            obj.kind, obj.grade, obj.hours, obj.escalate_every_hours, actor=request.user
        )
        obj.pk = saved.pk
