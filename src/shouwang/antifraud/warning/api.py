"""The warning loop over HTTP: /api/v1/antifraud/warnings/. A carrier's or bank's system (with
an analyst's token) posts events; officers' apps read their tasks and post outcomes; analysts
decide proposals and keep the rules (versions, backtests, switching on and off) as on the
rule pages. Partner desks (and other outside parties) get 404 on every endpoint here: they
see an approved proposal only as a block request in their own desk queue (/api/v1/antifraud/)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from shouwang.antifraud.warning import actions
from shouwang.antifraud.warning.events import parse_events
from shouwang.antifraud.warning.feedback import Precision, by_model_version, by_rule_version
from shouwang.antifraud.warning.queries import (
    access_proposal,
    access_rule,
    access_task,
    access_version,
    proposals_for_user,
    rule_editable_by,
    rules_for_user,
    tasks_for_user,
)
from shouwang.antifraud.warning.schemas import (
    BacktestIn,
    BacktestOut,
    DecisionIn,
    EventsIn,
    IngestOut,
    OutcomeIn,
    PrecisionOut,
    PrecisionTableOut,
    ProposalOut,
    RuleIn,
    RuleOut,
    TaskOut,
    VersionIn,
    VersionOut,
)
from shouwang.common.api import ERRORS, api_user
from shouwang.orgs.models import User
from shouwang.orgs.scoping import unit_by_code

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


# What RuleOut reads of each rule's versions, fetched in a few queries for any number of rules.
_RULE_OUT_PREFETCH = ("versions__created_by", "versions__backtests__ran_by", "versions__rule")


def _rule_out(actor: User, rule_pk: int) -> RuleOut:
    rule = access_rule(actor, rule_pk)
    prefetch_related_objects([rule], *_RULE_OUT_PREFETCH)
    return RuleOut.of(rule, editable=rule_editable_by(actor, rule))


@router.get("/rules", response={200: list[RuleOut], **ERRORS}, summary="Warning rules")
def list_rules(request: HttpRequest) -> list[RuleOut]:
    """The rules of the caller's subtree and of the units above it (those to read only)."""
    actor = police_user(request)
    rules = (
        rules_for_user(actor)
        .select_related("unit", "active_version")
        .prefetch_related(*_RULE_OUT_PREFETCH)
    )
    return [RuleOut.of(r, editable=rule_editable_by(actor, r)) for r in rules]


@router.get("/rules/{int:rule_pk}", response={200: RuleOut, **ERRORS}, summary="A rule")
def get_rule(request: HttpRequest, rule_pk: int) -> RuleOut:
    return _rule_out(police_user(request), rule_pk)


@router.post("/rules", response={201: RuleOut, **ERRORS}, summary="Create a rule")
def create_rule(request: HttpRequest, payload: RuleIn) -> Status[RuleOut]:
    """The rule with its first version, switched off until a backtest and an activation."""
    actor = police_user(request)
    unit = None
    if payload.unit:
        unit = unit_by_code(actor, payload.unit)
        if unit is None:
            raise ValidationError({"unit": [_("没有这个单位,或不在您的辖区内。")]})
    version = actions.do_save_rule_version(
        payload.definition,
        rule_id=payload.rule_id.strip(),
        fraud_type=payload.fraud_type,
        actor=actor,
        unit=unit,
        new=True,
    )
    return Status(201, _rule_out(actor, version.rule_id))


@router.post("/rules/{int:rule_pk}/versions", response={201: VersionOut, **ERRORS})
def add_version(request: HttpRequest, rule_pk: int, payload: VersionIn) -> Status[VersionOut]:
    """A new version; the active one stays active until another is switched on."""
    actor = police_user(request)
    rule = access_rule(actor, rule_pk, to_edit=True)
    version = actions.do_save_rule_version(
        payload.definition,
        rule_id=rule.rule_id,
        fraud_type=payload.fraud_type,
        actor=actor,
        unit=rule.unit,
    )
    return Status(201, VersionOut.of(version))


@router.post("/versions/{int:version_pk}/backtest", response={201: BacktestOut, **ERRORS})
def backtest(request: HttpRequest, version_pk: int, payload: BacktestIn) -> Status[BacktestOut]:
    """Replay the stored events of [since, until] through this version alone (a time without
    an offset is local time)."""
    actor = police_user(request)
    version = access_version(actor, version_pk, to_edit=True)
    result = actions.do_backtest_version(
        version, since=payload.since, until=payload.until, actor=actor
    )
    return Status(201, BacktestOut.of(result))


@router.post("/versions/{int:version_pk}/activate", response={200: RuleOut, **ERRORS})
def activate(request: HttpRequest, version_pk: int) -> RuleOut:
    """Switch the rule on at this version; only a backtested version (else 422)."""
    actor = police_user(request)
    version = access_version(actor, version_pk, to_edit=True)
    actions.do_activate_version(version, actor=actor)
    return _rule_out(actor, version.rule_id)


@router.post("/rules/{int:rule_pk}/deactivate", response={200: RuleOut, **ERRORS})
def deactivate(request: HttpRequest, rule_pk: int) -> RuleOut:
    actor = police_user(request)
    actions.do_deactivate_rule(access_rule(actor, rule_pk, to_edit=True), actor=actor)
    return _rule_out(actor, rule_pk)
