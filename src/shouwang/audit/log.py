"""Writing audit rows. Actions call `record()` inside their transaction, explicitly."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Model

from shouwang.audit.context import current_origin
from shouwang.audit.models import AuditEvent

if TYPE_CHECKING:
    from shouwang.orgs.models import Unit, User


def _event(
    actor: User | None,
    action: str,
    obj: Model | None,
    unit: Unit | None,
    purpose: str,
    detail: dict[str, Any] | None,
) -> AuditEvent:
    origin = current_origin()
    return AuditEvent(
        actor=actor if actor is not None and actor.pk else None,
        actor_label=str(actor) if actor is not None else origin.channel,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_label=str(obj)[:200] if obj is not None else "",
        unit=unit,
        ip=origin.ip,
        user_agent=origin.user_agent,
        channel=origin.channel,
        purpose=purpose,
        detail=detail or {},
    )


def record(
    actor: User | None,
    action: str,
    obj: Model | None = None,
    *,
    unit: Unit | None = None,
    purpose: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    event = pending(actor, action, obj, unit=unit, purpose=purpose, detail=detail)
    event.save()
    return event


def pending(
    actor: User | None,
    action: str,
    obj: Model | None = None,
    *,
    unit: Unit | None = None,
    purpose: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """An audit row not yet written, for an action that writes all of its rows in one INSERT
    (`write`): a fraud report and the requests it sends, say."""
    return _event(actor, action, obj, unit, purpose, detail)


def write(events: list[AuditEvent]) -> list[AuditEvent]:
    return AuditEvent.objects.bulk_create(events)
