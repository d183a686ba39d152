"""Correcting a hazard's details after registration: a wrong category, a typo in the address,
the responsible party learnt later. Audited field by field.

Grade, deadline and assignment are not edited here: each is a lifecycle step of its own, with
its own checks and history (`cases.actions`).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Field, Model
from django.utils import timezone
from django.utils.translation import gettext as _

from shouwang.audit.log import record
from shouwang.cases.choices import ENDED_STATES, CaseAction, CaseState
from shouwang.cases.models import Case, CaseTransition
from shouwang.cases.queries import case_visible_to
from shouwang.common.errors import ActionError, NotPermitted
from shouwang.hazards.actions import _locate
from shouwang.hazards.choices import HazardCategory
from shouwang.hazards.models import Hazard, Premises
from shouwang.hazards.wording import join_list
from shouwang.orgs.geo import grid_at, valid_lat_lon
from shouwang.orgs.roles import Cap
from shouwang.orgs.scoping import user_covers_unit

if TYPE_CHECKING:
    from shouwang.orgs.models import User

EDITABLE_FIELDS = (
    "title",
    "category",
    "description",
    "address",
    "lat",
    "lon",
    "found_at",
    "premises",
    "responsible_name",
    "responsible_contact",
    "responsible_phone",
    "requirement",
)
# The audit row says that these changed, never from what to what (see audit.queries).
PERSONAL_FIELDS = frozenset({"responsible_contact", "responsible_phone"})
_TEXT_FIELDS = (
    "title",
    "description",
    "address",
    "responsible_name",
    "responsible_contact",
    "responsible_phone",
    "requirement",
)
# The registrar corrects their own mistakes until a chief has acted on the hazard.
REGISTRAR_STATES = frozenset({CaseState.REGISTERED, CaseState.GRADED})
# Once rectification is reported, the requirement it answered is fixed.
REQUIREMENT_STATES = frozenset({CaseState.REGISTERED, CaseState.GRADED, CaseState.ASSIGNED})
_PHONE = re.compile(r"^[0-9+\-() ]{3,32}$")
# Clocks of phones and servers differ a little; registration allows the same.
_CLOCK_SKEW = timedelta(minutes=5)


def may_update_hazard(actor: Any, hazard: Hazard) -> bool:
    """Whether `actor` may correct `hazard`'s details in its current state (closed and
    cancelled hazards aside, which nobody edits: the action says why)."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    if actor.is_outside_party or not case_visible_to(actor, hazard):
        return False
    if actor.can(Cap.HAZARD_MANAGE):
        return True
    return (
        actor.can(Cap.HAZARD_REGISTER)
        and hazard.created_by_id == actor.pk
        and hazard.state in REGISTRAR_STATES
    )


def conflict_error(current: Hazard) -> ActionError:
    return ActionError(
        _("该隐患在您打开后已被他人修改(当前状态:%(state)s),请刷新后重新修改。"),
        params={"state": CaseState(current.state).label},
        code="conflict",
    )


@transaction.atomic
def do_update_hazard(
    hazard: Hazard,
    *,
    actor: User,
    if_state: str | None = None,
    if_updated_at: datetime | None = None,
    **changes: Any,
) -> Hazard:
    """Change the named fields of `hazard` (only those that differ are written).

    The row is read again under a lock and written with a conditional UPDATE, so a step taken
    meanwhile (someone closes the hazard while the form is open) is never overwritten: the
    state must still be `if_state` (default: the state of the `hazard` passed in) and, when
    given, `updated_at` must still be `if_updated_at`. Moving the point re-locates the hazard
    to the grid it falls in, which must lie in the actor's jurisdiction.
    """
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise TypeError(f"not editable with do_update_hazard: {', '.join(unknown)}")
    if (
        actor.is_outside_party
        or not (actor.can(Cap.HAZARD_MANAGE) or actor.can(Cap.HAZARD_REGISTER))
        or not case_visible_to(actor, hazard)
    ):
        raise NotPermitted("update")
    current = Hazard.objects.select_for_update().get(pk=hazard.pk)
    expected = if_state if if_state is not None else hazard.state
    if current.state != expected or (
        if_updated_at is not None and current.updated_at != if_updated_at
    ):
        raise conflict_error(current)
    if not may_update_hazard(actor, current):
        raise NotPermitted("update")
    if current.state in ENDED_STATES:
        raise ActionError(_("已销号或已撤销的隐患不能修改,请先重新打开。"), code="bad_state")
    changed = _validated_changes(current, changes, actor)
    if not changed:
        return hazard
    now = timezone.now()
    old = {name: getattr(current, name) for name in changed}
    for name, value in changed.items():
        setattr(current, name, value)
    on_case = {n: v for n, v in changed.items() if _model_field(n).model is Case}
    on_hazard = {n: v for n, v in changed.items() if n not in on_case}
    search = current.compute_search_text()
    claimed = Case.objects.filter(
        pk=current.pk, state=current.state, updated_at=current.updated_at
    ).update(updated_at=now, search_text=search, **on_case)
    if claimed != 1:
        raise conflict_error(current)
    if on_hazard:
        Hazard.objects.filter(pk=current.pk).update(**on_hazard)
    fields = [name for name in changed if name != "h3_cell"]
    _record(current, actor, fields, old, changed, now)
    for name, value in changed.items():
        setattr(hazard, name, value)
    hazard.state = current.state
    hazard.updated_at = now
    hazard.search_text = search
    return hazard


def _validated_changes(current: Hazard, changes: dict[str, Any], actor: User) -> dict[str, Any]:
    """The fields that really change, checked all at once; nothing is written on an error."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for name in _TEXT_FIELDS:
        if name in changes:
            values[name] = str(changes[name] or "").strip()
            limit = _model_field(name).max_length
            if limit is not None and len(values[name]) > limit:
                errors[name] = _("最多 %(limit)d 个字符。") % {"limit": limit}
    if "title" in values and not values["title"]:
        errors["title"] = _("请填写标题。")
    if "description" in values and not values["description"]:
        errors["description"] = _("请描述隐患情况。")
    phone = values.get("responsible_phone")
    if phone and "responsible_phone" not in errors and not _PHONE.match(phone):
        errors["responsible_phone"] = _("请输入有效的电话号码(数字、空格、+、-)。")
    if "category" in changes:
        if changes["category"] not in HazardCategory.values:
            errors["category"] = _("无效的隐患类别。")
        else:
            values["category"] = str(changes["category"])
    if "found_at" in changes:
        found_at = changes["found_at"]
        if not isinstance(found_at, datetime):
            errors["found_at"] = _("请填写发现时间。")
        else:
            if timezone.is_naive(found_at):
                found_at = timezone.make_aware(found_at)
            if found_at > timezone.now() + _CLOCK_SKEW:
                errors["found_at"] = _("发现时间不能晚于现在。")
            values["found_at"] = found_at
    if "premises" in changes:
        premises: Premises | None = changes["premises"]
        if premises is not None and not user_covers_unit(actor, premises.unit):
            errors["premises"] = _("该场所不在您的辖区内。")
        values["premises"] = premises
    changed = {name: v for name, v in values.items() if getattr(current, name) != v}
    if "requirement" in changed:
        if current.state not in REQUIREMENT_STATES:
            errors["requirement"] = _("报送整改后不能再修改整改要求。")
        elif current.state == CaseState.ASSIGNED and not changed["requirement"]:
            errors["requirement"] = _("请填写整改要求。")
    changed.update(_relocation(current, changes, values, actor, errors))
    if errors:
        raise ValidationError(errors, code="invalid")
    return changed


def _relocation(
    current: Hazard,
    changes: dict[str, Any],
    values: dict[str, Any],
    actor: User,
    errors: dict[str, str],
) -> dict[str, Any]:
    """The new point, grid and H3 cell, when the point moves; errors go into `errors`."""
    lat = changes.get("lat", current.lat)
    lon = changes.get("lon", current.lon)
    address = values.get("address", current.address)
    if (lat, lon) == (current.lat, current.lon):
        if current.lat is None and not address and "address" in values:
            # Without a point the address is all that says where the hazard is.
            errors["address"] = _("请在地图上选点或填写地址。")
        return {}
    if lat is not None and lon is not None and valid_lat_lon(lat, lon) and not grid_at(lat, lon):
        errors["lat"] = _("该位置不在任何网格内。")
        return {}
    try:
        # With a point the grid follows from it; without one the hazard keeps its unit.
        grid, cell = _locate(current.unit if lat is None else None, lat, lon, address)
    except ValidationError as exc:
        errors.update({field: " ".join(messages) for field, messages in exc.message_dict.items()})
        return {}
    if not user_covers_unit(actor, grid):
        errors["lat"] = _("该位置不在您的辖区内。")
        return {}
    moved: dict[str, Any] = {"lat": lat, "lon": lon, "h3_cell": cell}
    if grid.pk != current.unit_id:
        moved["unit"] = grid
        # Escalation follows the unit tree: the next overdue scan escalates it up the new chain.
        moved["escalation_level"] = 0
        moved["escalated_to"] = None
    return moved


def _model_field(name: str) -> Field[Any, Any]:
    field = Hazard._meta.get_field(name)
    assert isinstance(field, Field)
    return field


def _audit_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Model):
        # A grid by its code (stable, readable); a premises by its id.
        return getattr(value, "code", None) or value.pk
    return value


def _record(
    hazard: Hazard,
    actor: User,
    fields: list[str],
    old: dict[str, Any],
    new: dict[str, Any],
    now: datetime,
) -> None:
    audited = {
        name: {"changed": True}
        if name in PERSONAL_FIELDS
        else {"old": _audit_value(old[name]), "new": _audit_value(new[name])}
        for name in fields
    }
    labels = join_list(_model_field(name).verbose_name for name in fields)
    CaseTransition.objects.create(
        case=hazard,
        action=CaseAction.EDIT,
        from_state=hazard.state,
        to_state=hazard.state,
        actor=actor,
        # Field names only: the history is shown to everyone who sees the hazard.
        note=_("修改了:%(fields)s") % {"fields": labels},
        detail={"fields": fields},
        at=now,
    )
    record(actor, "hazard.update", hazard, unit=hazard.unit, detail={"changes": audited})
