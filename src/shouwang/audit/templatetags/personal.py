"""`{% masked obj "field" %}`: a personal field shown masked, with an audited way to see it."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Model

from shouwang.audit.queries import mask_value, personal_fields_of
from shouwang.orgs.roles import Cap

register = template.Library()


def dom_id(obj: Model, field: str) -> str:
    return f"pd-{obj._meta.label_lower.replace('.', '-')}-{obj.pk}-{field}"


def masked_context(
    obj: Model,
    field: str,
    *,
    user: Any,
    errors: list[str] | None = None,
    purpose: str = "",
) -> dict[str, Any]:
    """What the masked-field fragment needs; the reveal view reuses it to show errors."""
    spec = personal_fields_of(obj)
    value = mask_value(obj, field)
    can = bool(getattr(user, "is_authenticated", False)) and user.can(Cap.PERSONAL_REVEAL)
    return {
        "dom_id": dom_id(obj, field),
        "label": spec.label,
        "object_id": obj.pk,
        "field": field,
        "masked": value,
        "can_reveal": can and bool(value),
        "errors": errors or [],
        "purpose": purpose,
    }


@register.inclusion_tag("audit/partials/masked.html", takes_context=True)
def masked(context: template.Context, obj: Model, field: str) -> dict[str, Any]:
    request = context.get("request")
    user = context.get("user") or getattr(request, "user", None)
    result = masked_context(obj, field, user=user)
    # The inline form also works without HTMX, and then needs the token itself.
    result["csrf_token"] = context.get("csrf_token")
    return result
