"""The warning loop over HTTP: /api/v1/antifraud/warnings/. A carrier's or bank's system (with
an analyst's token) posts events; officers' apps read their tasks and post outcomes; analysts
decide proposals. Partner desks (and other outside parties) get 404 on every endpoint here: they
see an approved proposal only as a block request in their own desk queue (/api/v1/antifraud/)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from shouwang.antifraud.warning import actions
from shouwang.antifraud.warning.events import parse_events
from shouwang.antifraud.warning.feedback import Precision, by_model_version, by_rule_version
from shouwang.antifraud.warning.queries import (
    access_proposal,
    access_task,
    proposals_for_user,
    tasks_for_user,
)
from shouwang.antifraud.warning.schemas import (
    DecisionIn,
    EventsIn,
    IngestOut,
    OutcomeIn,
    PrecisionOut,
    PrecisionTableOut,
    ProposalOut,
    TaskOut,
)
from shouwang.common.api import ERRORS, api_user
from shouwang.orgs.models import User

router = Router(tags=["early warning"])
LIST_LIMIT = 200


def police_user(request: HttpRequest) -> User:
    """The caller, who must be police: to an outside party this API does not exist (404), the
    same answer for every endpoint, rather than empty lists from some and 403 from others."""
    user = api_user(request)
    if user.is_outside_party:
        raise Http404
    return user


@router.post("/events", response={201: IngestOut, **ERRORS}, summary="Submit events")
def post_events(request: HttpRequest, payload: EventsIn) -> Status[IngestOut]:
    """All or nothing: a bad event names its position and field (``events.3.time``). The
    events are evaluated with the active rules before the answer; the tasks and proposals they
    raised are returned."""
    result = actions.do_ingest_events(
        parse_events(payload.events, first_row=0), source="api", actor=police_user(request)
    )
    return Status(
        201,
        IngestOut(
            events=len(result.events),
            tasks=[t.pk for t in result.tasks],
            proposals=[p.pk for p in result.proposals],
        ),
    )


@router.get("/tasks", response={200: list[TaskOut], **ERRORS}, summary="Open warning tasks")
def list_tasks(request: HttpRequest, state: str = "open") -> list[TaskOut]:
    tasks = tasks_for_user(police_user(request)).select_related(
        "unit", "assignee", "reassigned_from", "rule_version__rule"
    )
    if state != "all":
        tasks = tasks.filter(state=state)
    return [TaskOut.of(t) for t in tasks.order_by("deadline", "id")[:LIST_LIMIT]]


@router.get("/tasks/{int:task_id}", response={200: TaskOut, **ERRORS}, summary="A task")
def get_task(request: HttpRequest, task_id: int) -> TaskOut:
    return TaskOut.of(access_task(police_user(request), task_id))


@router.post("/tasks/{int:task_id}/outcome", response={200: TaskOut, **ERRORS})
def post_outcome(request: HttpRequest, task_id: int, payload: OutcomeIn) -> TaskOut:
    """Record the outcome; ``lost`` (with loss_amount) also registers a fraud report."""
    actor = police_user(request)
    task = access_task(actor, task_id)
    loss = None
    if payload.loss_amount not in (None, ""):
        try:
            loss = Decimal(str(payload.loss_amount))
        except InvalidOperation:
            raise ValidationError({"loss_amount": [_("金额不是数字。")]}) from None
    actions.do_record_outcome(
        task,
        outcome=payload.outcome,
        note=payload.note,
        loss_amount=loss,
        paid_to=(payload.to_kind, payload.to_account.strip()),
        actor=actor,
    )
    return TaskOut.of(access_task(actor, task_id))


@router.get("/proposals", response={200: list[ProposalOut], **ERRORS}, summary="Proposals")
def list_proposals(request: HttpRequest, state: str = "pending") -> list[ProposalOut]:
    proposals = proposals_for_user(police_user(request)).select_related("rule_version__rule")
    if state != "all":
        proposals = proposals.filter(state=state)
    return [ProposalOut.of(p) for p in proposals.prefetch_related("requests")[:LIST_LIMIT]]


@router.post("/proposals/{int:proposal_id}/approve", response={200: ProposalOut, **ERRORS})
def approve(request: HttpRequest, proposal_id: int, payload: DecisionIn) -> ProposalOut:
    actor = police_user(request)
    proposal = access_proposal(actor, proposal_id)
    actions.do_approve_proposal(proposal, note=payload.note, actor=actor)
    return ProposalOut.of(proposal)


@router.post("/proposals/{int:proposal_id}/reject", response={200: ProposalOut, **ERRORS})
def reject(request: HttpRequest, proposal_id: int, payload: DecisionIn) -> ProposalOut:
    actor = police_user(request)
    proposal = access_proposal(actor, proposal_id)
    actions.do_reject_proposal(proposal, note=payload.note, actor=actor)
    return ProposalOut.of(proposal)


def _rows(rows: list[Precision]) -> list[PrecisionOut]:
    return [
        PrecisionOut(
            version=r.label,
            warnings=r.warnings,
            confirmed=r.confirmed,
            false_alarms=r.false_alarms,
            pending=r.pending,
            precision=r.precision,
        )
        for r in rows
    ]


@router.get("/precision", response={200: PrecisionTableOut, **ERRORS}, summary="Precision")
def precision(request: HttpRequest) -> PrecisionTableOut:
    actor = police_user(request)
    tasks, proposals = tasks_for_user(actor), proposals_for_user(actor)
    return PrecisionTableOut(
        by_rule_version=_rows(by_rule_version(tasks, proposals)),
        by_model_version=_rows(by_model_version(tasks, proposals)),
    )
