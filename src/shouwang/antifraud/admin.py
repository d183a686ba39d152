"""Configuration of the anti-fraud centre in the Django admin: the request deadline table.
Reports, requests and indicators change only through actions (their pages and the API)."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from shouwang.antifraud.models import RequestDeadline
from shouwang.audit.admin import AuditedAdmin
from shouwang.cases.admin import can_edit_deadlines


@admin.register(RequestDeadline)
class RequestDeadlineAdmin(AuditedAdmin):
    list_display = ["type", "minutes", "escalate_every_minutes"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return can_edit_deadlines(request) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return can_edit_deadlines(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return can_edit_deadlines(request) and super().has_delete_permission(request, obj)
