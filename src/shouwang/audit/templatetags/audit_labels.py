"""`{{ event|action_label }}`: an audit event's action in words (see `audit.action_labels`)."""

from __future__ import annotations

from django import template

from shouwang.audit import action_labels
from shouwang.audit.models import AuditEvent

register = template.Library()


@register.filter
def action_label(event: AuditEvent) -> str:
    return action_labels.action_label(event)
