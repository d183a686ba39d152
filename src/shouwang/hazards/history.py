"""A hazard's history (流转记录) as its page shows it.

Each step carries ids in its stored `detail` (who it was assigned to, where it was escalated,
which fields were corrected); the page names them here, in the reader's language, and only as
far as the reader may see them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _

from shouwang.cases.choices import CaseAction
from shouwang.hazards.models import Hazard
from shouwang.hazards.wording import join_list
from shouwang.orgs.models import Organisation, Unit, User

if TYPE_CHECKING:
    from shouwang.cases.models import CaseTransition

# The steps whose detail names units, people or organisations by id.
_NAMING_STEPS = (CaseAction.ASSIGN, CaseAction.ESCALATE)


@dataclass
class HistoryEntry:
    step: CaseTransition
    note: str
    assignees: list[str] = field(default_factory=list)
    deadline: datetime | None = None
    requirement: str = ""
    escalated_to: str = ""


def _ids(steps: list[CaseTransition], key: str) -> set[int]:
    values = (s.detail.get(key) for s in steps if s.action in _NAMING_STEPS)
    return {v for v in values if isinstance(v, int)}


def _when(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _changed_fields(step: CaseTransition) -> str:
    """The corrected fields named in the reader's language (the stored note is in the
    language of whoever made the correction)."""
    labels = []
    for name in step.detail.get("fields") or []:
        try:
            labels.append(getattr(Hazard._meta.get_field(name), "verbose_name", name))
        except FieldDoesNotExist:
            return step.note
    return _("修改了:%(fields)s") % {"fields": join_list(labels)} if labels else step.note


def hazard_history(hazard: Hazard, viewer: User) -> list[HistoryEntry]:
    """The hazard's steps, oldest first, with the names their details refer to.

    An outside party (a company) sees the hazard only while it is assigned to it; other
    organisations it was assigned to before are not named to it. Units and officers are named
    as the page's 承办 field names them to every reader.
    """
    steps = list(hazard.transitions.select_related("actor"))
    units = Unit.objects.in_bulk(_ids(steps, "unit"))
    users = User.objects.in_bulk(_ids(steps, "user"))
    organisations = Organisation.objects.in_bulk(_ids(steps, "organisation"))

    def organisation_name(pk: Any) -> str | None:
        organisation = organisations.get(pk)
        if organisation is None:
            return None
        if viewer.is_outside_party and organisation.pk != viewer.organisation_id:
            return _("其他机构")
        return organisation.name

    entries = []
    for step in steps:
        entry = HistoryEntry(step=step, note=step.note)
        detail = step.detail
        if step.action == CaseAction.ASSIGN:
            names = [
                organisation_name(detail.get("organisation")),
                units[detail["unit"]].name if detail.get("unit") in units else None,
                str(users[detail["user"]]) if detail.get("user") in users else None,
            ]
            entry.assignees = [n for n in names if n]
            entry.requirement = str(detail.get("requirement") or "")
            entry.deadline = _when(detail.get("deadline"))
        elif step.action == CaseAction.GRADE:
            entry.deadline = _when(detail.get("deadline"))
        elif step.action == CaseAction.ESCALATE and detail.get("unit") in units:
            # The stored note says the same in the language of the overdue scan.
            entry.escalated_to = units[detail["unit"]].name
            entry.note = ""
        elif step.action == CaseAction.EDIT:
            entry.note = _changed_fields(step)
        entries.append(entry)
    return entries
