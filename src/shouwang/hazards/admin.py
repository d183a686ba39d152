"""Premises and campaigns in the Django admin. Hazards are shown read-only: every change to a
hazard goes through the lifecycle actions, which check jurisdiction and write the history."""

from __future__ import annotations

from django.contrib import admin

from shouwang.audit.admin import AuditedAdmin, ReadOnlyAdmin
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


@admin.register(Hazard)
class HazardAdmin(ReadOnlyAdmin):
    list_display = ["reference", "title", "state", "grade", "unit", "deadline", "is_overdue"]
    list_filter = ["state", "grade", "category", "is_overdue"]
    search_fields = ["title", "address"]
    list_select_related = ["unit"]
    # Personal fields stay out of the admin too; they are revealed on the hazard page, audited.
    exclude = ["responsible_contact", "responsible_phone"]
