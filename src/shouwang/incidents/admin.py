"""Categories in the Django admin; incidents, mappings and decisions read-only (their writes
are actions, which check jurisdiction and write the audit log)."""

from __future__ import annotations

from django.contrib import admin

from shouwang.audit.admin import AuditedAdmin, ReadOnlyAdmin
from shouwang.incidents.models import DutyDecision, Incident, IncidentCategory, ScheduledEvent


@admin.register(IncidentCategory)
class IncidentCategoryAdmin(AuditedAdmin):
    list_display = ["name", "code", "parent"]
    search_fields = ["name", "code"]


@admin.register(Incident)
class IncidentAdmin(ReadOnlyAdmin):
    list_display = ["occurred_at", "category", "unit", "source", "external_id"]
    list_filter = ["source", "category"]
    list_select_related = ["category", "unit"]
    date_hierarchy = "occurred_at"


@admin.register(ScheduledEvent)
class ScheduledEventAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "unit", "starts_on", "ends_on", "expected_crowd"]


@admin.register(DutyDecision)
class DutyDecisionAdmin(ReadOnlyAdmin):
    list_display = ["unit", "day", "recommended_level", "level", "accepted", "decided_by"]
