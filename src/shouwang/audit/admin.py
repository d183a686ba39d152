"""The audit log in the Django admin: read-only. Also the mixin that audits admin writes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.db.models import Model
from django.forms import ModelForm
from django.http import HttpRequest

from shouwang.audit.log import record
from shouwang.audit.models import AuditEvent

if TYPE_CHECKING:
    _ModelAdmin = admin.ModelAdmin[Any]
else:
    # ModelAdmin is generic only in the type stubs.
    _ModelAdmin = admin.ModelAdmin


class ReadOnlyAdmin(_ModelAdmin):
    """Viewable in the admin, never added, changed or deleted there."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class AuditedAdmin(_ModelAdmin):
    """Writes made in the admin land in the audit log like every other write.

    The admin is for configuration (units, users, partner organisations, campaigns); domain
    cases never go through it.
    """

    def save_model(
        self, request: HttpRequest, obj: Model, form: ModelForm[Any], change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        record(
            request.user,  # type: ignore[arg-type]
            f"admin.{'change' if change else 'add'}",
            obj,
            unit=getattr(obj, "unit", None),
            detail={"fields": sorted(form.changed_data)},
        )

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        unit = getattr(obj, "unit", None)
        record(request.user, "admin.delete", obj, unit=unit)  # type: ignore[arg-type]
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            record(request.user, "admin.delete", obj, unit=getattr(obj, "unit", None))  # type: ignore[arg-type]
        super().delete_queryset(request, queryset)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_label", "action", "object_type", "object_id", "unit", "channel"]
    list_filter = ["channel", "object_type"]
    search_fields = ["action", "actor_label", "object_id", "object_label", "purpose"]
    date_hierarchy = "at"
    list_select_related = ["unit"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]
