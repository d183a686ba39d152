"""The hazard register over HTTP: /api/v1/hazards/. Each endpoint parses its schema, finds the
object through an `access_*` helper (404 for missing and forbidden alike), calls the action
and returns a schema. Errors become responses in `config.api`."""

from __future__ import annotations

from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from shouwang.cases.actions import (
    do_add_evidence,
    do_cancel_case,
    do_grade_case,
    do_reject_case,
    do_reopen_case,
    do_submit_case,
    do_verify_case,
)
from shouwang.cases.queries import assignable_organisations
from shouwang.cases.schemas import EvidenceOut, as_file_error
from shouwang.common.api import PageIn, api_user, responses
from shouwang.common.paging import capped_count
from shouwang.hazards.actions import (
    do_assign_hazard,
    do_create_campaign,
    do_record_check,
    do_register_hazard,
)
from shouwang.hazards.actions_edit import do_update_hazard
from shouwang.hazards.choices import CheckResult
from shouwang.hazards.filters import HazardFilter
from shouwang.hazards.models import Campaign, Hazard
from shouwang.hazards.queries import (
    access_campaign,
    access_hazard,
    campaigns_for_user,
    hazards_for_user,
    premises_for_user,
)
from shouwang.hazards.schemas import (
    AssignIn,
    CampaignDetailOut,
    CampaignIn,
    CampaignListOut,
    CampaignOut,
    CancelIn,
    CheckIn,
    CheckOut,
    GradeIn,
    HazardDetailOut,
    HazardIn,
    HazardListOut,
    HazardOut,
    HazardPatchIn,
    NoteIn,
    ProgressOut,
    ProgressRowOut,
    ReopenIn,
    UnitRef,
)
from shouwang.hazards.stats import campaign_progress
from shouwang.orgs.models import Organisation, Unit, User
from shouwang.orgs.scoping import units_for_user

router = Router(tags=["hazards"])


# Codes with which `cases.evidence.check_evidence_file` rejects the bytes of an upload.
def _unit(code: str, field: str) -> Unit:
    unit = Unit.objects.filter(code=code.strip()).first()
    if unit is None:
        raise ValidationError({field: _("未知的单位代码:%(code)s") % {"code": code}})
    return unit


# The stages a hazard's evidence takes (HAZARD_KIND.evidence_steps); a fraud report's materials
# have their own endpoint.
HazardEvidenceStage = Literal["before", "after", "verification"]


def _visible[T: Any](queryset: QuerySet[T], pk: int | None, field: str) -> T | None:
    """An object the caller named in a request body; unknown and invisible alike are errors
    of that field (a 422, since the URL itself was found)."""
    if pk is None:
        return None
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: _("未找到编号为 %(id)s 的对象。") % {"id": pk}})
    return found


def _hazard_rows(queryset: QuerySet[Hazard]) -> QuerySet[Hazard]:
    # Everything a list row shows comes in the one query, whatever the page size; the long
    # texts only the detail shows stay in the database.
    return queryset.select_related("unit", "assignee_unit", "assignee_user", "assignee_org").defer(
        "description", "requirement", "cancel_reason"
    )


# --- campaigns (the int converter of /{hazard_id} keeps "campaigns" from matching it) -------


def _progress(campaign: Campaign, actor: User) -> ProgressOut:
    progress = campaign_progress(campaign, actor)
    return ProgressOut(
        premises_in_scope=progress.premises,
        checked=progress.checked,
        checked_percent=progress.rate or 0.0,
        hazards_found=progress.hazards,
        hazards_open=progress.hazards_open,
        hazards_closed=progress.hazards_closed,
        results={CheckResult(result): n for result, _label, n in progress.results},
        units=[
            ProgressRowOut(
                unit=UnitRef.of(row.unit) if row.unit else None,
                premises_in_scope=row.premises,
                checked=row.checked,
                hazards_found=row.hazards,
            )
            for row in progress.rows
        ],
    )


def _campaign_detail(campaign: Campaign, actor: User) -> CampaignDetailOut:
    return CampaignDetailOut.model_validate(
        {
            **CampaignOut.fields_of(campaign),
            "description": campaign.description,
            "scope_units": [UnitRef.of(u) for u in campaign.scope_units.all()],
            "progress": _progress(campaign, actor),
        }
    )


@router.get("/campaigns/", response=responses(200, CampaignListOut), summary="List campaigns")
def list_campaigns(request: HttpRequest, page: Query[PageIn]) -> CampaignListOut:
    campaigns = campaigns_for_user(api_user(request)).select_related("unit")
    rows = campaigns[page.offset : page.offset + page.limit]
    return CampaignListOut(
        count=campaigns.count(),
        limit=page.limit,
        offset=page.offset,
        items=[CampaignOut.of(c) for c in rows],
    )


@router.post("/campaigns/", response=responses(201, CampaignDetailOut), summary="Create a campaign")
def create_campaign(request: HttpRequest, payload: CampaignIn) -> Status[CampaignDetailOut]:
    actor = api_user(request)
    campaign = do_create_campaign(
        actor=actor,
        name=payload.name,
        unit=_unit(payload.unit, "unit"),
        scope_units=[_unit(code, "scope_units") for code in payload.scope_units],
        premises_types=[str(t) for t in payload.premises_types],
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        description=payload.description,
    )
    return Status(201, _campaign_detail(campaign, actor))


@router.get(
    "/campaigns/{campaign_id}",
    response=responses(200, CampaignDetailOut),
    summary="A campaign and its progress",
)
def get_campaign(request: HttpRequest, campaign_id: int) -> CampaignDetailOut:
    actor = api_user(request)
    return _campaign_detail(access_campaign(actor, campaign_id), actor)


@router.post(
    "/campaigns/{campaign_id}/checks",
    response=responses(201, CheckOut),
    summary="Record that a premises was checked",
)
def record_check(request: HttpRequest, campaign_id: int, payload: CheckIn) -> Status[CheckOut]:
    actor = api_user(request)
    campaign = access_campaign(actor, campaign_id)
    premises = _visible(premises_for_user(actor), payload.premises, "premises")
    assert premises is not None
    check = do_record_check(
        campaign, premises=premises, result=payload.result, note=payload.note, actor=actor
    )
    return Status(201, CheckOut.of(check))


# --- hazards ------------------------------------------------------------------------------


@router.get("/", response=responses(200, HazardListOut), summary="List hazards")
def list_hazards(
    request: HttpRequest, filters: Query[HazardFilter], page: Query[PageIn]
) -> HazardListOut:
    """The same filters as the register's HTML list (`HazardFilter`), newest found first."""
    hazards = filters.apply(hazards_for_user(api_user(request)))
    rows = _hazard_rows(hazards)[page.offset : page.offset + page.limit]
    count, capped = capped_count(hazards)
    return HazardListOut(
        count=count,
        count_capped=capped,
        limit=page.limit,
        offset=page.offset,
        items=[HazardOut.of(h) for h in rows],
    )


@router.post("/", response=responses(201, HazardDetailOut), summary="Register a hazard")
def register_hazard(request: HttpRequest, payload: HazardIn) -> Status[HazardDetailOut]:
    """Photos are attached afterwards with `POST /{hazard_id}/evidence` (stage `before`)."""
    actor = api_user(request)
    data = payload.model_dump(exclude={"unit", "premises", "campaign"})
    hazard = do_register_hazard(
        actor=actor,
        unit=_unit(payload.unit, "unit") if payload.unit else None,
        premises=_visible(premises_for_user(actor), payload.premises, "premises"),
        campaign=_visible(campaigns_for_user(actor), payload.campaign, "campaign"),
        **data,
    )
    return Status(201, HazardDetailOut.of_detail(hazard))


@router.get(
    "/{hazard_id}",
    response=responses(200, HazardDetailOut),
    summary="A hazard with its history and evidence",
)
def get_hazard(request: HttpRequest, hazard_id: int) -> HazardDetailOut:
    return HazardDetailOut.of_detail(access_hazard(api_user(request), hazard_id))


@router.patch(
    "/{hazard_id}",
    response=responses(200, HazardDetailOut),
    summary="Correct a hazard's details",
)
def update_hazard(request: HttpRequest, hazard_id: int, payload: HazardPatchIn) -> HazardDetailOut:
    """Only the fields sent change (`null` clears an optional one). Closed and cancelled
    hazards are not edited; `if_state` refuses the change if someone moved the hazard on."""
    actor = api_user(request)
    hazard = access_hazard(actor, hazard_id)
    changes = payload.model_dump(exclude_unset=True, exclude={"if_state"})
    if "premises" in changes:
        changes["premises"] = _visible(premises_for_user(actor), changes["premises"], "premises")
    do_update_hazard(hazard, actor=actor, if_state=payload.if_state, **changes)
    return HazardDetailOut.of_detail(hazard)


@router.post("/{hazard_id}/grade", response=responses(200, HazardDetailOut), summary="Grade")
def grade_hazard(request: HttpRequest, hazard_id: int, payload: GradeIn) -> HazardDetailOut:
    """The grade sets the deadline from the SLA table unless `deadline` is given."""
    actor = api_user(request)
    hazard = access_hazard(actor, hazard_id)
    do_grade_case(
        hazard, grade=payload.grade, deadline=payload.deadline, note=payload.note, actor=actor
    )
    return HazardDetailOut.of_detail(hazard)


def _assignee_org(actor: User, pk: int | None) -> Organisation | None:
    return _visible(assignable_organisations(actor), pk, "organisation")


def _assignee_user(actor: User, username: str | None) -> User | None:
    if not username:
        return None
    user = User.objects.filter(username=username, unit__in=units_for_user(actor)).first()
    if user is None:
        raise ValidationError({"user": _("您的辖区内没有用户“%(name)s”。") % {"name": username}})
    return user


@router.post(
    "/{hazard_id}/assign",
    response=responses(200, HazardDetailOut),
    summary="Assign for rectification",
)
def assign_hazard(request: HttpRequest, hazard_id: int, payload: AssignIn) -> HazardDetailOut:
    """To a unit (code), an officer (username) or a company (organisation id), or several."""
    actor = api_user(request)
    hazard = access_hazard(actor, hazard_id)
    do_assign_hazard(
        hazard,
        requirement=payload.requirement,
        unit=_unit(payload.unit, "unit") if payload.unit else None,
        user=_assignee_user(actor, payload.user),
        organisation=_assignee_org(actor, payload.organisation),
        deadline=payload.deadline,
        note=payload.note,
        actor=actor,
    )
    return HazardDetailOut.of_detail(hazard)


@router.post(
    "/{hazard_id}/submit",
    response=responses(200, HazardDetailOut),
    summary="Report the rectification done",
)
def submit_hazard(request: HttpRequest, hazard_id: int, payload: NoteIn) -> HazardDetailOut:
    """Needs at least one piece of `after` evidence uploaded first."""
    actor = api_user(request)
    hazard = access_hazard(actor, hazard_id)
    do_submit_case(hazard, note=payload.note, actor=actor)
    return HazardDetailOut.of_detail(hazard)


@router.post(
    "/{hazard_id}/verify",
    response=responses(200, HazardDetailOut),
    summary="Verify and close (销号)",
)
def verify_hazard(request: HttpRequest, hazard_id: int, payload: NoteIn) -> HazardDetailOut:
    """Only someone other than the one who did the rectification may verify it."""
    actor = api_user(request)
    hazard = access_hazard(actor, hazard_id)
    do_verify_case(hazard, note=payload.note, actor=actor)
    return HazardDetailOut.of_detail(hazard)


@router.post(
    "/{hazard_id}/reject",
    response=responses(200, HazardDetailOut),
    summary="Reject the rectification",
)
def reject_hazard(request: HttpRequest, hazard_id: int, payload: NoteIn) -> HazardDetailOut:
    actor = api_user(request)
    hazard = access_hazard(actor, hazard_id)
    do_reject_case(hazard, note=payload.note, actor=actor)
    return HazardDetailOut.of_detail(hazard)


@router.post(
    "/{hazard_id}/reopen",
    response=responses(200, HazardDetailOut),
    summary="Reopen a closed hazard",
)
def reopen_hazard(request: HttpRequest, hazard_id: int, payload: ReopenIn) -> HazardDetailOut:
    actor = api_user(request)
    hazard = access_hazard(actor, hazard_id)
    do_reopen_case(hazard, note=payload.note, deadline=payload.deadline, actor=actor)
    return HazardDetailOut.of_detail(hazard)


@router.post("/{hazard_id}/cancel", response=responses(200, HazardDetailOut), summary="Cancel")
def cancel_hazard(request: HttpRequest, hazard_id: int, payload: CancelIn) -> HazardDetailOut:
    actor = api_user(request)
    hazard = access_hazard(actor, hazard_id)
    do_cancel_case(hazard, reason=payload.reason, actor=actor)
    return HazardDetailOut.of_detail(hazard)


@router.post(
    "/{hazard_id}/evidence",
    response=responses(201, EvidenceOut),
    summary="Upload evidence (multipart)",
)
def add_evidence(
    request: HttpRequest,
    hazard_id: int,
    stage: Form[HazardEvidenceStage],
    file: File[UploadedFile],
) -> Status[EvidenceOut]:
    """A JPEG or PNG photo or a PDF, at most 10 MB by default: `before` (as found), `after`
    (the rectification) or `verification` (the check)."""
    actor = api_user(request)
    hazard = access_hazard(actor, hazard_id)
    try:
        evidence = do_add_evidence(hazard, upload=file, stage=stage, actor=actor)
    except ValidationError as exc:
        raise as_file_error(exc) from None
    return Status(201, EvidenceOut.of(evidence))
