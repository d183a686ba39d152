"""Typed shapes of the hazard API: what callers send (`*In`) and what they get back (`*Out`).

Outputs are built by `of()` constructors rather than read straight off models, so personal
data is masked in one visible place and nothing unmasked can leak through a new field.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from ninja import Schema
from pydantic import Field

from shouwang.cases.choices import CaseAction, CaseState
from shouwang.cases.schemas import EvidenceOut
from shouwang.common.masking import mask_name, mask_phone
from shouwang.common.params import IsoDate, IsoDateTime
from shouwang.hazards.choices import (
    CampaignStatus,
    CheckResult,
    HazardCategory,
    HazardGrade,
    HazardSource,
    PremisesType,
)

if TYPE_CHECKING:
    from shouwang.cases.models import CaseTransition
    from shouwang.hazards.models import Campaign, CampaignCheck, Hazard
    from shouwang.orgs.models import Organisation, Unit, User


# --- inputs -------------------------------------------------------------------------------


class HazardIn(Schema):
    title: str = Field(max_length=200)
    category: HazardCategory
    description: str
    unit: str | None = Field(None, description="grid code; optional when lat/lon are given")
    lat: float | None = Field(None, description="WGS-84 latitude (with lon)")
    lon: float | None = Field(None, description="WGS-84 longitude (with lat)")
    address: str = Field("", max_length=300)
    found_at: IsoDateTime | None = None
    source: HazardSource = HazardSource.INSPECTION
    premises: int | None = Field(None, description="premises id")
    campaign: int | None = Field(None, description="campaign id")
    responsible_name: str = Field("", max_length=200)
    responsible_contact: str = Field("", max_length=50)
    responsible_phone: str = Field("", max_length=32)


class HazardPatchIn(Schema):
    """Only the fields sent change; grade, deadline and assignment have their own steps."""

    title: str | None = Field(None, max_length=200)
    category: HazardCategory | None = None
    description: str | None = None
    address: str | None = Field(None, max_length=300)
    lat: float | None = Field(None, description="WGS-84 latitude (with lon); moves the hazard")
    lon: float | None = Field(None, description="WGS-84 longitude (with lat)")
    found_at: IsoDateTime | None = None
    premises: int | None = Field(None, description="premises id; null unlinks")
    responsible_name: str | None = Field(None, max_length=200)
    responsible_contact: str | None = Field(None, max_length=50)
    responsible_phone: str | None = Field(None, max_length=32)
    requirement: str | None = Field(None, description="only until rectification is reported")
    if_state: CaseState | None = Field(
        None, description="refuse the change unless the hazard is still in this state"
    )


class GradeIn(Schema):
    grade: HazardGrade
    deadline: IsoDateTime | None = Field(None, description="default: from the SLA table")
    note: str = ""


class AssignIn(Schema):
    requirement: str = Field(description="整改要求: what the assignee must do")
    unit: str | None = Field(None, description="code of a unit in your jurisdiction")
    user: str | None = Field(None, description="username of an officer in your jurisdiction")
    organisation: int | None = Field(None, description="id of a company or department")
    deadline: IsoDateTime | None = None
    note: str = ""


class NoteIn(Schema):
    note: str = ""


class ReopenIn(Schema):
    note: str
    deadline: IsoDateTime | None = None


class CancelIn(Schema):
    reason: str


class CampaignIn(Schema):
    name: str = Field(max_length=200)
    unit: str = Field(description="code of the organising unit")
    scope_units: list[str] = Field(description="codes of the units whose premises are in scope")
    premises_types: list[PremisesType] = Field(default_factory=list)
    starts_on: IsoDate
    ends_on: IsoDate
    description: str = ""


class CheckIn(Schema):
    premises: int = Field(description="premises id")
    result: CheckResult
    note: str = ""


# --- outputs ------------------------------------------------------------------------------


class UnitRef(Schema):
    id: int
    code: str
    name: str

    @classmethod
    def of(cls, unit: Unit) -> UnitRef:
        return cls(id=unit.pk, code=unit.code, name=unit.name)


class UserRef(Schema):
    id: int
    username: str
    display_name: str

    @classmethod
    def of(cls, user: User) -> UserRef:
        return cls(id=user.pk, username=user.username, display_name=str(user))


class OrganisationRef(Schema):
    id: int
    name: str

    @classmethod
    def of(cls, organisation: Organisation) -> OrganisationRef:
        return cls(id=organisation.pk, name=organisation.name)


class AssigneeOut(Schema):
    unit: UnitRef | None
    user: UserRef | None
    organisation: OrganisationRef | None


class HazardOut(Schema):
    id: int
    reference: str = Field(description="e.g. YH0000012")
    title: str
    category: HazardCategory
    category_label: str
    state: CaseState
    state_label: str
    grade: HazardGrade | None
    grade_label: str
    source: HazardSource
    unit: UnitRef
    assignee: AssigneeOut
    deadline: datetime | None
    is_overdue: bool
    found_at: datetime
    created_at: datetime
    address: str
    lat: float | None
    lon: float | None
    h3_cell: str
    premises_id: int | None
    campaign_id: int | None
    responsible_name: str
    responsible_contact: str = Field(description="masked")
    responsible_phone: str = Field(description="masked")

    @classmethod
    def fields_of(cls, h: Hazard) -> dict[str, object]:
        grade = HazardGrade(h.grade) if h.grade else None
        return {
            "id": h.pk,
            "reference": h.reference,
            "title": h.title,
            "category": h.category,
            "category_label": str(HazardCategory(h.category).label),
            "state": h.state,
            "state_label": str(CaseState(h.state).label),
            "grade": grade,
            "grade_label": str(grade.label) if grade else "",
            "source": h.source,
            "unit": UnitRef.of(h.unit),
            "assignee": AssigneeOut(
                unit=UnitRef.of(h.assignee_unit) if h.assignee_unit else None,
                user=UserRef.of(h.assignee_user) if h.assignee_user else None,
                organisation=OrganisationRef.of(h.assignee_org) if h.assignee_org else None,
            ),
            "deadline": h.deadline,
            "is_overdue": h.is_overdue,
            "found_at": h.found_at,
            "created_at": h.created_at,
            "address": h.address,
            "lat": h.lat,
            "lon": h.lon,
            "h3_cell": h.h3_cell,
            "premises_id": h.premises_id,
            "campaign_id": h.campaign_id,
            "responsible_name": h.responsible_name,
            "responsible_contact": mask_name(h.responsible_contact),
            "responsible_phone": mask_phone(h.responsible_phone),
        }

    @classmethod
    def of(cls, hazard: Hazard) -> HazardOut:
        return cls.model_validate(cls.fields_of(hazard))


class HazardListOut(Schema):
    count: int = Field(
        description="rows matching the filters over all pages, exact up to 2,000; "
        "beyond that 2,000 with count_capped true (narrow the filters; offset may go further)"
    )
    count_capped: bool = Field(description="true when more rows match than `count` says")
    limit: int
    offset: int
    items: list[HazardOut]


class TransitionOut(Schema):
    action: CaseAction
    action_label: str
    from_state: str
    to_state: str
    actor: str = Field(description="display name; empty for the system")
    note: str
    at: datetime

    @classmethod
    def of(cls, t: CaseTransition) -> TransitionOut:
        return cls(
            action=CaseAction(t.action),
            action_label=str(CaseAction(t.action).label),
            from_state=t.from_state,
            to_state=t.to_state,
            actor=str(t.actor) if t.actor else "",
            note=t.note,
            at=t.at,
        )


class HazardDetailOut(HazardOut):
    description: str
    requirement: str
    transitions: list[TransitionOut]
    evidence: list[EvidenceOut]

    @classmethod
    def of_detail(cls, hazard: Hazard) -> HazardDetailOut:
        transitions = hazard.transitions.select_related("actor").order_by("at", "id")
        evidence = hazard.evidence.select_related("uploaded_by").order_by("uploaded_at", "id")
        return cls.model_validate(
            {
                **HazardOut.fields_of(hazard),
                "description": hazard.description,
                "requirement": hazard.requirement,
                "transitions": [TransitionOut.of(t) for t in transitions],
                "evidence": [EvidenceOut.of(e) for e in evidence],
            }
        )


class CampaignOut(Schema):
    id: int
    name: str
    unit: UnitRef
    status: CampaignStatus
    status_label: str
    premises_types: list[PremisesType]
    starts_on: date
    ends_on: date

    @classmethod
    def fields_of(cls, c: Campaign) -> dict[str, object]:
        return {
            "id": c.pk,
            "name": c.name,
            "unit": UnitRef.of(c.unit),
            "status": c.status,
            "status_label": str(CampaignStatus(c.status).label),
            "premises_types": c.premises_types,
            "starts_on": c.starts_on,
            "ends_on": c.ends_on,
        }

    @classmethod
    def of(cls, campaign: Campaign) -> CampaignOut:
        return cls.model_validate(cls.fields_of(campaign))


class CampaignListOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[CampaignOut]


class ProgressRowOut(Schema):
    unit: UnitRef | None = Field(description="null: premises or hazards outside these units")
    premises_in_scope: int
    checked: int
    hazards_found: int


class ProgressOut(Schema):
    """As the caller sees it: premises and hazards outside their jurisdiction are not counted."""

    premises_in_scope: int
    checked: int
    checked_percent: float
    hazards_found: int
    hazards_open: int
    hazards_closed: int
    results: dict[CheckResult, int] = Field(description="checks per result")
    units: list[ProgressRowOut] = Field(description="per scope unit (or its children)")


class CampaignDetailOut(CampaignOut):
    description: str
    scope_units: list[UnitRef]
    progress: ProgressOut


class CheckOut(Schema):
    id: int
    campaign_id: int
    premises_id: int
    result: CheckResult
    note: str
    checked_by: str
    checked_at: datetime

    @classmethod
    def of(cls, check: CampaignCheck) -> CheckOut:
        return cls(
            id=check.pk,
            campaign_id=check.campaign_id,
            premises_id=check.premises_id,
            result=CheckResult(check.result),
            note=check.note,
            checked_by=str(check.checked_by),
            checked_at=check.checked_at,
        )
