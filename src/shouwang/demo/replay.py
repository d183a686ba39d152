"""Replays one hazard's steps into its final row, its transitions, evidence and audit rows.

Each method mirrors the action it stands for: the same state change, the same fields set or
cleared, the same transition detail and the same audit action and detail
(`cases.actions._move`, `do_add_evidence`, `do_scan_overdue`, `hazards.actions`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from random import Random
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from shouwang.cases.choices import CaseAction, CaseState
from shouwang.demo.city import GridRef
from shouwang.demo.history import History
from shouwang.demo.photos import StockPhoto
from shouwang.demo.story import Step
from shouwang.hazards.kind import HAZARD_KIND
from shouwang.orgs.models import Organisation, Unit, User


@dataclass(frozen=True)
class Assignment:
    unit: Unit | None
    user: User | None
    organisation: Organisation | None
    requirement: str


class Replay:
    def __init__(
        self,
        *,
        history: History,
        photos: list[StockPhoto],
        rng: Random,
        grid: GridRef,
        case: dict[str, Any],
        hazard: dict[str, Any],
        grade: str,
        deadline: datetime | None,
        assignment: Assignment,
    ) -> None:
        self.history = history
        self.photos = photos
        self.rng = rng
        self.grid = grid
        self.case = case
        self.hazard = hazard
        self.grade = grade
        self.deadline = deadline
        self.assignment = assignment
        self.label = f"{HAZARD_KIND.reference(case['id'])} {case['title']}"

    def run(self, steps: list[Step]) -> None:
        for step in steps:
            handler = getattr(self, f"_{step.action}")
            handler(step)

    def _audit(self, step: Step, action: str, detail: dict[str, Any]) -> None:
        self.history.audit_event(
            actor=step.actor,
            action=action,
            at=step.at,
            object_type="hazards.hazard",
            object_id=self.case["id"],
            object_label=self.label,
            unit_id=self.case["unit_id"],
            detail=detail,
        )

    def _move(
        self,
        step: Step,
        to_state: str,
        updates: dict[str, Any],
        detail: dict[str, Any] | None = None,
    ) -> None:
        from_state = self.case["state"]
        self.case.update(state=to_state, updated_at=step.at, **updates)
        self.history.transition(
            case_id=self.case["id"],
            action=step.action,
            from_state=from_state,
            to_state=to_state,
            actor=step.actor,
            at=step.at,
            note=step.note,
            detail=detail,
        )
        self._audit(
            step,
            f"case.{step.action}",
            {"from": from_state, "to": to_state, "note": step.note, **(detail or {})},
        )

    def _register(self, step: Step) -> None:
        self.history.transition(
            case_id=self.case["id"],
            action=CaseAction.REGISTER,
            from_state="",
            to_state=CaseState.REGISTERED,
            actor=step.actor,
            at=step.at,
        )
        self._audit(step, "hazard.register", {"category": self.hazard["category"]})

    def _evidence(self, step: Step) -> None:
        assert step.actor is not None
        photo = self.rng.choice(self.photos)
        name = f"IMG_{timezone.localtime(step.at):%Y%m%d_%H%M%S}.jpg"
        evidence_id = self.history.add_evidence(
            {
                "case_id": self.case["id"],
                "stage": step.stage,
                "file": photo.path,
                "original_name": name,
                "content_type": "image/jpeg",
                "size": photo.size,
                "sha256": photo.sha256,
                "uploaded_by_id": step.actor.pk,
                "uploaded_at": step.at,
            }
        )
        state = self.case["state"]
        self.history.transition(
            case_id=self.case["id"],
            action=CaseAction.EVIDENCE,
            from_state=state,
            to_state=state,
            actor=step.actor,
            at=step.at,
            note=name,
            detail={"stage": step.stage, "evidence": evidence_id},
        )
        self._audit(
            step,
            "case.evidence",
            {"stage": step.stage, "sha256": photo.sha256, "size": photo.size},
        )

    def _grade(self, step: Step) -> None:
        assert self.deadline is not None
        updates = {
            "grade": self.grade,
            "graded_at": step.at,
            "deadline": self.deadline,
            "is_overdue": False,
            "escalation_level": 0,
            "escalated_to_id": None,
        }
        detail = {"grade": self.grade, "deadline": self.deadline.isoformat()}
        self._move(step, CaseState.GRADED, updates, detail)

    def _assign(self, step: Step) -> None:
        a = self.assignment
        self.hazard["requirement"] = a.requirement
        updates = {
            "assignee_unit_id": a.unit.pk if a.unit else None,
            "assignee_user_id": a.user.pk if a.user else None,
            "assignee_org_id": a.organisation.pk if a.organisation else None,
            "assigned_at": step.at,
            "assigned_by_id": step.actor.pk if step.actor else None,
        }
        detail = {
            "unit": updates["assignee_unit_id"],
            "user": updates["assignee_user_id"],
            "organisation": updates["assignee_org_id"],
        }
        self._move(step, CaseState.ASSIGNED, updates, detail)
        if a.organisation is not None and not self.hazard["responsible_name"]:
            self.hazard["responsible_name"] = a.organisation.name

    def _submit(self, step: Step) -> None:
        actor_id = step.actor.pk if step.actor else None
        self._move(
            step, CaseState.SUBMITTED, {"submitted_at": step.at, "submitted_by_id": actor_id}
        )

    def _reject(self, step: Step) -> None:
        self._move(step, CaseState.ASSIGNED, {"submitted_at": None, "submitted_by_id": None})

    def _verify(self, step: Step) -> None:
        actor_id = step.actor.pk if step.actor else None
        updates = {"closed_at": step.at, "closed_by_id": actor_id, "is_overdue": False}
        self._move(step, CaseState.CLOSED, updates)

    def _cancel(self, step: Step) -> None:
        self._move(step, CaseState.CANCELLED, {"cancel_reason": step.note.strip()})

    def _escalate(self, step: Step) -> None:
        # Ancestors run from the city down; level 1 is the grid's own community.
        target = self.grid.chain[-step.level]
        self.case.update(is_overdue=True, escalation_level=step.level, escalated_to_id=target.pk)
        state = self.case["state"]
        self.history.transition(
            case_id=self.case["id"],
            action=CaseAction.ESCALATE,
            from_state=state,
            to_state=state,
            actor=None,
            at=step.at,
            note=_("已逾期,上报至 %(unit)s") % {"unit": target.name},
            detail={"level": step.level, "unit": target.pk},
        )
        # The overdue scan loads plain cases, so its audit rows name the case model.
        self.history.audit_event(
            actor=None,
            action="case.escalate",
            at=step.at,
            object_type="cases.case",
            object_id=self.case["id"],
            object_label=self.label,
            unit_id=self.case["unit_id"],
            detail={"level": step.level, "escalated_to": target.pk},
            channel="job",
        )
