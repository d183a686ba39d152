"""The warned person's phone and name: masked everywhere, revealed with a purpose (audited) to
those who may see the task."""

from __future__ import annotations

from typing import TYPE_CHECKING

from shouwang.audit.queries import register_personal_fields

if TYPE_CHECKING:
    from django.db.models import Model

    from shouwang.orgs.models import Unit, User


def _task_visible(user: User, obj: Model) -> bool:
    from shouwang.antifraud.warning.queries import task_visible_to

    return task_visible_to(user, obj)  # type: ignore[arg-type]


def _task_unit(obj: Model) -> Unit | None:
    return getattr(obj, "unit", None)


register_personal_fields(
    "fraud_warning.warningtask",
    {"person_phone": "phone", "person_name": "name"},
    visible=_task_visible,
    unit_of=_task_unit,
)
