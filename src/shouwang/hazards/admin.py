"""Premises and campaigns in the Django admin. Hazards are shown read-only: every change to a
hazard goes through the lifecycle actions, which check jurisdiction and write the history."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from shouwang.audit.admin import AuditedAdmin, ReadOnlyAdmin
from shouwang.hazards.choices import HazardGrade
from shouwang.hazards.models import Campaign, Hazard, Premises


@admin.register(Premises)
class PremisesAdmin(AuditedAdmin):
    list_display = ["name", "type", "unit", "organisation", "address"]
    list_filter = ["type"]
    search_fields = ["name", "address", "organisation__name"]
    autocomplete_fields = ["unit", "organisation"]
    list_select_related = ["unit", "organisation"]


@admin.register(Campaign)
class CampaignAdmin(AuditedAdmin):
    list_display = ["name", "unit", "starts_on", "ends_on", "status"]
    list_filter = ["starts_on"]
    search_fields = ["name"]
    autocomplete_fields = ["unit", "scope_units"]
    readonly_fields = ["created_by", "created_at"]
    date_hierarchy = "starts_on"


class GradeFilter(admin.SimpleListFilter):
    title = _("等级")
    parameter_name = "grade"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, StrOrPromise]]:
        return list(HazardGrade.choices)

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(grade=self.value()) if self.value() else queryset


@admin.register(Hazard)
class HazardAdmin(ReadOnlyAdmin):
    list_display = ["reference", "title", "state", "grade_label", "unit", "deadline", "is_overdue"]
    list_filter = ["state", GradeFilter, "category", "is_overdue"]
    search_fields = ["title", "address"]
    list_select_related = ["unit"]
    # Personal fields stay out of the admin too; they are revealed on the hazard page, audited.
    exclude = ["responsible_contact", "responsible_phone"]
    readonly_fields = ["grade_label"]

    @admin.display(description=_("等级"), ordering="grade")
    def grade_label(self, hazard: Hazard) -> str:
        # The grade field belongs to the cases engine and has no choices; shown as is, it is
        # the code ("significant").
        return str(dict(HazardGrade.choices).get(hazard.grade, hazard.grade))

    def get_fields(self, request: HttpRequest, obj: Hazard | None = None) -> list[Any]:
        # The label where the grade's code would be, not at the end of the page.
        fields = [f for f in super().get_fields(request, obj) if f != "grade_label"]
        return ["grade_label" if f == "grade" else f for f in fields]
