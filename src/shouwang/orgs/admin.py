"""Units, partner organisations, users and API tokens in the Django admin."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from shouwang.audit.admin import AuditedAdmin, ReadOnlyAdmin
from shouwang.orgs.models import ApiToken, Organisation, Unit, User

if TYPE_CHECKING:
    _UserAdminBase = DjangoUserAdmin[User]
else:
    _UserAdminBase = DjangoUserAdmin


@admin.register(Unit)
class UnitAdmin(AuditedAdmin):
    list_display = ["code", "name", "kind", "parent", "depth"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]
    readonly_fields = ["path", "depth"]
    autocomplete_fields = ["parent"]
    ordering = ["path"]


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ["name", "kind", "credit_code", "unit"]
    list_filter = ["kind"]
    search_fields = ["name", "credit_code"]
    autocomplete_fields = ["unit"]


@admin.register(User)
class UserAdmin(AuditedAdmin, _UserAdminBase):
    """Django's user admin with the platform's role, unit and organisation."""

    list_display = ["username", "display_name", "role", "unit", "organisation", "is_active"]
    list_filter = ["role", "is_active", "is_staff"]
    search_fields = ["username", "display_name", "unit__name", "organisation__name"]
    autocomplete_fields = ["unit", "organisation"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("身份与辖区"), {"fields": ["display_name", "role", "unit", "organisation", "phone"]}),
        (_("状态"), {"fields": ["is_active", "is_staff", "is_superuser"]}),
        (_("时间"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["username", "usable_password", "password1", "password2"],
            },
        ),
        (_("身份与辖区"), {"fields": ["display_name", "role", "unit", "organisation", "phone"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """Tokens are shown once when created by their action; here they can only be looked at."""

    list_display = ["name", "user", "created_at", "last_used_at", "revoked_at"]
    search_fields = ["name", "user__username"]
    list_select_related = ["user"]
    exclude = ["key_hash"]
    readonly_fields = ["name", "user", "created_at", "last_used_at", "revoked_at"]
