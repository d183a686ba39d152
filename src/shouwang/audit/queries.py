"""Reads of the audit log, and the registry of personal fields that may be revealed.

Who sees which audit rows: an auditor sees the events whose unit lies in their subtree. Events
without a unit (user and SLA administration, exports by unit-less admins, jobs) are not
anybody's jurisdiction, so only auditors at a root of the unit tree (the city or province at
the top of the deployment) and admins without a unit see them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.apps import apps
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from shouwang.audit.models import AuditEvent
from shouwang.cases.kinds import get_kind
from shouwang.cases.models import Case
from shouwang.cases.queries import case_visible_to
from shouwang.common.masking import MASKERS
from shouwang.orgs.models import Organisation
from shouwang.orgs.roles import Cap
from shouwang.orgs.scoping import scope_q, user_covers_unit

if TYPE_CHECKING:
    from shouwang.orgs.models import Unit, User


def events_for_user(user: User) -> QuerySet[AuditEvent]:
    if not user.is_authenticated or not user.can(Cap.AUDIT_VIEW):
        return AuditEvent.objects.none()
    events = AuditEvent.objects.select_related("actor", "unit")
    q = scope_q(user, unit_field="unit")
    if q is None:
        return events
    if user.unit is not None and user.unit.parent_id is None and not user.is_outside_party:
        q |= Q(unit__isnull=True)
    return events.filter(q)


def access_event(user: User, event_id: int) -> AuditEvent:
    """The audit row if `user` may see it; 404 for missing and forbidden alike."""
    event = events_for_user(user).filter(pk=event_id).first()
    if event is None:
        raise Http404
    return event


# --- Personal fields -------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonalFields:
    """The personal fields of one model, how each is masked, and who may see the object."""

    label: str  # app_label.model_name, lower case, as in AuditEvent.object_type
    fields: Mapping[str, str]  # field name -> masking kind in common.masking.MASKERS
    visible: Callable[[User, Model], bool]
    unit_of: Callable[[Model], Unit | None]


_PERSONAL: dict[str, PersonalFields] = {}


def register_personal_fields(
    label: str,
    fields: Mapping[str, str],
    *,
    visible: Callable[[User, Model], bool],
    unit_of: Callable[[Model], Unit | None],
) -> PersonalFields:
    """Declare which fields of a model hold personal data. Call it from an app's `ready()`."""
    unknown = set(fields.values()) - set(MASKERS)
    if unknown:
        raise ValueError(f"unknown masking kinds for {label}: {sorted(unknown)}")
    spec = PersonalFields(label.lower(), dict(fields), visible, unit_of)
    _PERSONAL[spec.label] = spec
    return spec


def personal_fields(label: str) -> PersonalFields | None:
    return _PERSONAL.get(label.lower())


def personal_fields_of(obj: Model) -> PersonalFields:
    spec = personal_fields(obj._meta.label_lower)
    if spec is None:
        raise LookupError(f"{obj._meta.label} has no registered personal fields")
    return spec


def mask_value(obj: Model, field: str) -> str:
    """The masked value of a registered personal field, for lists and pages."""
    spec = personal_fields_of(obj)
    if field not in spec.fields:
        raise LookupError(f"{obj._meta.label}.{field} is not a registered personal field")
    return MASKERS[spec.fields[field]](str(getattr(obj, field) or ""))


def access_personal_object(user: User, label: str, object_id: int) -> tuple[Model, PersonalFields]:
    """The object whose personal field is asked for; 404 for unknown, missing and forbidden."""
    spec = personal_fields(label)
    if spec is None:
        raise Http404
    model = apps.get_model(spec.label)
    obj = model._default_manager.filter(pk=object_id).first()
    if obj is None or not spec.visible(user, obj):
        raise Http404
    return obj, spec


def case_visible(user: User, obj: Model) -> bool:
    """A case of any kind: the kind's view capability and the case's jurisdiction."""
    if not isinstance(obj, Case) or not user.is_authenticated:
        return False
    view_cap = get_kind(obj.kind).caps.get("view")
    if view_cap is not None and not user.can(view_cap):
        return False
    return case_visible_to(user, obj)


def organisation_visible(user: User, obj: Model) -> bool:
    """Staff see their own organisation; police see those in their area. Partners without an
    area (banks, carriers serving the whole city) are visible to every police user."""
    if not isinstance(obj, Organisation) or not user.is_authenticated or not user.is_active:
        return False
    if user.is_outside_party:
        return user.organisation_id == obj.pk
    if obj.unit is None:
        return True
    return user_covers_unit(user, obj.unit)


def _unit_of(obj: Model) -> Unit | None:
    return getattr(obj, "unit", None)


register_personal_fields(
    "hazards.hazard",
    {"responsible_phone": "phone", "responsible_contact": "name"},
    visible=case_visible,
    unit_of=_unit_of,
)
register_personal_fields(
    "orgs.organisation",
    {"contact_phone": "phone", "contact_name": "name"},
    visible=organisation_visible,
    unit_of=_unit_of,
)
