"""Every write of the warning loop: store events (and evaluate them with the active rules),
save a rule version, backtest it, switch a rule on or off, decide a block proposal, record a
task's outcome, import the model's scores."""

from __future__ import annotations

import csv
import json
import math
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shouwang.antifraud.actions import RequestItem, do_register_report, do_send_requests
from shouwang.antifraud.choices import FraudType, IndicatorKind, RequestSource
from shouwang.antifraud.intake import parse_report
from shouwang.antifraud.models import FraudReport, PartnerRequest
from shouwang.antifraud.normalise import normalise_phone
from shouwang.antifraud.warning.choices import (
    TASK_MINUTES,
    Outcome,
    ProposalState,
    Risk,
    TaskState,
)
from shouwang.antifraud.warning.definitions import check_definition
from shouwang.antifraud.warning.evaluate import (
    LISTS,
    Raised,
    StoredScorer,
    as_engine_event,
    evaluate_batch,
    events_between,
    has_model,
    parsed,
    platform_lists,
    versions_for_batch,
)
from shouwang.antifraud.warning.events import EventInput
from shouwang.antifraud.warning.feedback import known_outcomes
from shouwang.antifraud.warning.models import (
    Backtest,
    BlockProposal,
    NumberScore,
    RuleVersion,
    WarningEvent,
    WarningRule,
    WarningTask,
)
from shouwang.antifraud.warning.notify import (
    notify_batch,
    notify_handed,
    settle_proposals,
    settle_task,
)
from shouwang.antifraud.warning.queries import scores_importable_by
from shouwang.antifraud.warning.routing import grid_of, officer_for, stand_in_for
from shouwang.audit.log import record
from shouwang.common.errors import ActionError, NotPermitted
from shouwang.engines.scoring.rules import backtest
from shouwang.engines.sheets import csv_records, json_lines
from shouwang.orgs.roles import Cap
from shouwang.orgs.scoping import jurisdiction, user_covers_unit

if TYPE_CHECKING:
    from shouwang.orgs.models import Unit, User


def _police(actor: User, cap: Cap) -> None:
    if not actor.is_authenticated or actor.is_outside_party or not actor.can(cap):
        raise NotPermitted(str(cap))


@dataclass
class IngestResult:
    events: list[WarningEvent]
    proposals: list[BlockProposal] = field(default_factory=list)
    tasks: list[WarningTask] = field(default_factory=list)


@transaction.atomic
def do_ingest_events(
    events: list[EventInput],
    *,
    source: str,
    actor: User,
    unit: Unit | None = None,
    batch: str | None = None,
) -> IngestResult:
    """Store checked events and run them through the active rules in the same transaction, so
    an acknowledged batch has its proposals and tasks. The events are received by ``unit`` (the
    actor's jurisdiction by default: a centre's carrier feed covers its city); the rules of that
    unit and of the units above it apply. A task goes to the person's grid wherever it is.
    ``batch`` names the batch (default: the time and a random suffix)."""
    _police(actor, Cap.FRAUD_MANAGE)
    unit = unit or jurisdiction(actor)
    if unit is None or not user_covers_unit(actor, unit):
        raise NotPermitted("fraud.manage")
    now = timezone.now()
    batch = (batch or f"{now:%Y%m%d%H%M%S}-{secrets.token_hex(3)}")[:32]
    stored = WarningEvent.objects.bulk_create(
        [
            WarningEvent(
                unit=unit,
                type=e.type,
                time=e.time,
                src=e.src,
                dst=e.dst,
                data=e.data,
                batch=batch,
                received_at=now,
                received_by=actor,
            )
            for e in events
        ]
    )
    if stored and stored[0].pk is None:  # no RETURNING: read the batch back
        stored = list(WarningEvent.objects.filter(batch=batch).order_by("pk"))
    record(
        actor,
        "warning.events",
        unit=unit,
        detail={"batch": batch, "events": len(stored), "source": source},
    )
    result = IngestResult(stored)
    scorer = StoredScorer()
    for raised in evaluate_batch(versions_for_batch(unit), stored, scorer):
        if raised.hit.role == "block":
            proposal = _propose(raised, scorer, unit, now)
            if proposal is not None:
                result.proposals.append(proposal)
        else:
            result.tasks.append(_dispatch(raised, scorer, unit, now))
    notify_batch(result.tasks, result.proposals, unit, batch)
    return result


def _suspect(raised: Raised) -> str:
    """The number or account the warning is about: the flagged party for a block, the other
    party of the event for a victim."""
    if raised.hit.role == "block":
        return raised.hit.subject
    party = raised.version.definition.get("flag", {}).get("party")
    other = {"src": "dst", "dst": "src"}.get(str(party), "src")
    return str(raised.event.data.get(other) or "")


def _model_fields(scorer: StoredScorer, number: str) -> dict[str, Any]:
    row = scorer.row(number) if number else None
    if row is None:
        return {"score": None, "model_version": "", "reasons": []}
    return {"score": row.probability, "model_version": row.model_version, "reasons": row.reasons}


def _propose(
    raised: Raised, scorer: StoredScorer, unit: Unit, now: datetime
) -> BlockProposal | None:
    value = raised.hit.subject
    # One open question per number: a number already proposed or blocked is not asked again.
    if BlockProposal.objects.filter(value=value).exclude(state=ProposalState.REJECTED).exists():
        return None
    kind = IndicatorKind.BANK_CARD if raised.event.type == "transfer" else IndicatorKind.PHONE
    proposal = BlockProposal.objects.create(
        unit=unit,
        kind=kind,
        value=value[:64],
        rule_version=raised.version,
        event=raised.event,
        risk=raised.hit.risk or Risk.MEDIUM,
        aggregate=raised.hit.aggregate,
        created_at=now,
        **_model_fields(scorer, value),
    )
    record(
        None,
        "warning.proposal",
        proposal,
        unit=unit,
        detail={"rule": str(raised.version), "event": raised.event.pk},
    )
    return proposal


def _dispatch(raised: Raised, scorer: StoredScorer, unit: Unit, now: datetime) -> WarningTask:
    grid = grid_of(raised.event.data)
    assignee = officer_for(grid) if grid is not None else None
    risk = raised.hit.risk or Risk.MEDIUM
    suspect = _suspect(raised)
    task = WarningTask.objects.create(
        unit=grid or unit,
        assignee=assignee,
        person_phone=raised.hit.subject[:64],
        person_name=str(raised.event.data.get("name") or "")[:50],
        counterpart=suspect[:64],
        fraud_type=raised.version.fraud_type,
        risk=risk,
        rule_version=raised.version,
        event=raised.event,
        aggregate=raised.hit.aggregate,
        created_at=now,
        deadline=now + timedelta(minutes=TASK_MINUTES[risk]),
        **_model_fields(scorer, suspect),
    )
    record(
        None,
        "warning.task",
        task,
        unit=task.unit,
        detail={
            "rule": str(raised.version),
            "assignee": assignee.pk if assignee else None,
            "deadline": task.deadline.isoformat(),
        },
    )
    return task


@transaction.atomic
def do_save_rule_version(
    data: Any,
    *,
    rule_id: str,
    fraud_type: str = FraudType.OTHER,
    actor: User,
    unit: Unit | None = None,
    new: bool = False,
) -> RuleVersion:
    """A new version of rule ``rule_id`` of ``unit`` (the actor's jurisdiction by default; the
    rule is created with its first version). ``new`` asks for a new rule: an id the unit already
    uses is refused rather than given a version. Versions are never edited: the active version
    stays active until someone switches to another."""
    _police(actor, Cap.RULE_EDIT)
    unit = unit or jurisdiction(actor)
    if unit is None or not user_covers_unit(actor, unit):
        raise NotPermitted("fraud.rules")
    if fraud_type not in FraudType.values:
        raise ValidationError({"fraud_type": [_("请选择诈骗类型。")]})
    rule = WarningRule.objects.select_for_update().filter(unit=unit, rule_id=rule_id).first()
    if rule is not None and new:
        raise ValidationError(
            {
                "id": [
                    _("本单位已有编号为 %(id)s 的规则,请换一个编号或为它保存新版本。")
                    % {"id": rule_id}
                ]
            }
        )
    last = rule.versions.order_by("-version").first() if rule is not None else None
    number = last.version + 1 if last is not None else 1
    definition, _parsed = check_definition(
        data, rule_id=rule_id, version=number, list_names=LISTS, has_model=has_model()
    )
    now = timezone.now()
    if rule is None:
        rule = WarningRule.objects.create(rule_id=rule_id, unit=unit, created_at=now)
    version = RuleVersion.objects.create(
        rule=rule,
        version=number,
        definition=definition,
        fraud_type=fraud_type,
        created_at=now,
        created_by=actor,
    )
    record(
        actor,
        "warning.rule_version",
        version,
        unit=rule.unit,
        detail={"definition": definition, "fraud_type": fraud_type},
    )
    return version


@transaction.atomic
def do_backtest_version(
    version: RuleVersion, *, since: datetime, until: datetime, actor: User
) -> Backtest:
    """Replay the stored events of [since, until] that the rule's unit received through this
    version alone and count what it would have raised, and how many of those subjects outcomes
    have since confirmed."""
    _police(actor, Cap.RULE_EDIT)
    if not user_covers_unit(actor, version.rule.unit):
        raise NotPermitted("fraud.rules")
    if since >= until:
        raise ValidationError({"until": [_("截止时间须晚于起始时间。")]})
    rules = parsed([version])
    report = backtest(
        rules,
        (as_engine_event(e) for e in events_between(since, until, within=version.rule.unit)),
        lists=platform_lists(rules[0].lists()),
        scorer=StoredScorer() if rules[0].uses_model() else None,
        outcomes=known_outcomes(),
    )
    counts = report.rules[0]
    result = Backtest.objects.create(
        version=version,
        since=since,
        until=until,
        events=report.events,
        warnings=counts.warnings,
        subjects=len(counts.subjects),
        confirmed=counts.confirmed,
        false_alarms=counts.false_alarms,
        ran_at=timezone.now(),
        ran_by=actor,
    )
    record(
        actor,
        "warning.backtest",
        version,
        unit=version.rule.unit,
        detail=counts.as_dict()
        | {"events": report.events, "since": since.isoformat(), "until": until.isoformat()},
    )
    return result


@transaction.atomic
def do_activate_version(version: RuleVersion, *, actor: User) -> WarningRule:
    """Switch a rule on at this version; only a version that has been backtested."""
    _police(actor, Cap.RULE_EDIT)
    rule = WarningRule.objects.select_for_update().get(pk=version.rule_id)
    if not user_covers_unit(actor, rule.unit):
        raise NotPermitted("fraud.rules")
    if not version.backtests.exists():
        raise ActionError(_("该版本尚未回测,不能启用。"), code="not_backtested")
    previous = rule.active_version_id
    rule.active_version = version
    rule.save(update_fields=["active_version"])
    record(
        actor,
        "warning.rule_on",
        rule,
        unit=rule.unit,
        detail={"version": version.version, "previous_version_pk": previous},
    )
    return rule


@transaction.atomic
def do_deactivate_rule(rule: WarningRule, *, actor: User) -> WarningRule:
    _police(actor, Cap.RULE_EDIT)
    if not user_covers_unit(actor, rule.unit):
        raise NotPermitted("fraud.rules")
    previous = rule.active_version
    if previous is None:
        raise ActionError(_("该规则未启用。"), code="not_active")
    rule.active_version = None
    rule.save(update_fields=["active_version"])
    record(actor, "warning.rule_off", rule, unit=rule.unit, detail={"version": previous.version})
    return rule


def _decide(proposal: BlockProposal, state: str, note: str, actor: User) -> None:
    moved = BlockProposal.objects.filter(pk=proposal.pk, state=ProposalState.PENDING).update(
        state=state, decided_at=timezone.now(), decided_by=actor, decision_note=note[:200]
    )
    if moved != 1:
        raise ActionError(_("该建议已处理。"), code="conflict")
    proposal.refresh_from_db()
    settle_proposals(proposal)


@transaction.atomic
def do_approve_proposal(
    proposal: BlockProposal, *, note: str = "", actor: User
) -> list[PartnerRequest]:
    """The analyst's yes: the block (or freeze) request goes to the partner desk through the
    request flow, with its deadline."""
    _police(actor, Cap.FRAUD_MANAGE)
    if not user_covers_unit(actor, proposal.unit):
        raise NotPermitted("fraud.manage")
    _decide(proposal, ProposalState.APPROVED, note, actor)
    requests = do_send_requests(
        [RequestItem(proposal.kind, proposal.value)],
        source=RequestSource.WARNING,
        unit=proposal.unit,
        note=note or str(proposal.rule_version),
        actor=actor,
    )
    proposal.requests.add(*requests)
    record(
        actor,
        "warning.proposal_approved",
        proposal,
        unit=proposal.unit,
        detail={"requests": [r.pk for r in requests], "note": note[:200]},
    )
    return requests


@transaction.atomic
def do_reject_proposal(proposal: BlockProposal, *, note: str, actor: User) -> BlockProposal:
    _police(actor, Cap.FRAUD_MANAGE)
    if not user_covers_unit(actor, proposal.unit):
        raise NotPermitted("fraud.manage")
    if not note.strip():
        raise ValidationError({"note": [_("驳回须说明理由。")]})
    _decide(proposal, ProposalState.REJECTED, note, actor)
    record(
        actor,
        "warning.proposal_rejected",
        proposal,
        unit=proposal.unit,
        detail={"note": note[:200]},
    )
    return proposal


def _dials(value: str) -> bool:
    try:
        normalise_phone(value)
    except ValidationError:
        return False
    return True


# Where a report's parse errors point, as fields of the outcome form.
_OUTCOME_FIELDS = {
    "transfers.0.to_account": "to_account",
    "transfers.0.to_kind": "to_kind",
    "indicators": "to_account",
}


def _report_for(
    task: WarningTask, loss: Decimal, note: str, paid_to: tuple[str, str], actor: User
) -> FraudReport:
    """The fraud report an "already lost" outcome turns into, prefilled from the task. The
    account the officer learnt the money went to (``paid_to``: kind, account) gets the freeze
    request; without one, the warning's own counterpart does."""
    event = task.event
    payload: dict[str, Any] = {
        "fraud_type": task.fraud_type,
        "occurred_at": event.time,
        "loss_amount": str(loss),
        "narrative": note or _("由预警劝阻任务 %(ref)s 转报案。") % {"ref": task.reference},
        "victim_name": task.person_name,
        # The warned person is a rule's subject: a phone number, or an account for a rule on
        # transfers. Only a number that dials goes in as the victim's phone, so an account never
        # stops the officer from recording the loss.
        "victim_phone": task.person_phone if _dials(task.person_phone) else "",
    }
    to_kind, to_account = paid_to
    transfers: list[dict[str, Any]] = []
    if to_account:
        transfers.append(
            {"to_kind": to_kind or IndicatorKind.BANK_CARD, "to_account": to_account,
             "amount": str(loss), "at": event.time}
        )  # fmt: skip
    elif event.type == "transfer" and task.counterpart:
        transfers.append(
            {
                "to_kind": IndicatorKind.BANK_CARD,
                "to_account": task.counterpart,
                "amount": str(event.data.get("amount") or loss),
                "at": event.time,
            }
        )
    if transfers:
        payload["transfers"] = transfers
    if task.counterpart and event.type != "transfer":
        payload["indicators"] = [{"kind": IndicatorKind.PHONE, "value": task.counterpart}]
    if not transfers and not task.counterpart:
        # An app install, say: nothing to block or freeze unless the officer says where the
        # money went.
        raise ValidationError(
            {"to_account": [_("这条预警没有涉诈号码或账户:请填写钱转到的账户,以便发出止付请求。")]}
        )
    try:
        data = parse_report(payload)
    except ValidationError as exc:
        raise ValidationError(
            {_OUTCOME_FIELDS.get(key, key): errs for key, errs in exc.message_dict.items()}
        ) from None
    return do_register_report(data, unit=task.unit, actor=actor)


@transaction.atomic
def do_record_outcome(
    task: WarningTask,
    *,
    outcome: str,
    note: str = "",
    loss_amount: Decimal | None = None,
    paid_to: tuple[str, str] = ("", ""),
    actor: User,
) -> WarningTask:
    """The officer's result. "Already lost" registers a fraud report (its block and freeze
    requests go out with it, to ``paid_to``, the kind and account the money went to, when the
    officer learnt it); a bad report stores no outcome either."""
    _police(actor, Cap.WARNING_HANDLE)
    if not user_covers_unit(actor, task.unit):
        raise NotPermitted("fraud.warning")
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": [_("请选择劝阻结果。")]})
    if outcome == Outcome.LOST and (loss_amount is None or loss_amount <= 0):
        raise ValidationError({"loss_amount": [_("已被骗时请填写损失金额。")]})
    now = timezone.now()
    moved = WarningTask.objects.filter(pk=task.pk, state=TaskState.OPEN).update(
        state=TaskState.DONE,
        outcome=outcome,
        outcome_note=note,
        outcome_at=now,
        outcome_by=actor,
    )
    if moved != 1:
        raise ActionError(_("该任务已反馈。"), code="conflict")
    if outcome == Outcome.LOST:
        assert loss_amount is not None
        report = _report_for(task, loss_amount, note, paid_to, actor)
        WarningTask.objects.filter(pk=task.pk).update(report=report)
    # Read back only now: a report that fails rolls the whole outcome back, and the caller's
    # task must still say open then.
    task.refresh_from_db()
    record(
        actor,
        "warning.outcome",
        task,
        unit=task.unit,
        detail={"outcome": outcome, "late": now > task.deadline, "report": task.report_id},
    )
    settle_task(task)
    return task


def _finite(value: Any) -> float:
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(value)
    return number


def _finite_or_none(value: Any) -> float | None:
    """A feature's value; null (or NaN, as older score files wrote it) when the number had no
    records of that kind. JSON columns cannot store NaN."""
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _read_reasons(content: bytes) -> dict[str, list[dict[str, Any]]]:
    reasons: dict[str, list[dict[str, Any]]] = {}
    for n, line in json_lines(content.decode("utf-8-sig", "replace")):
        try:
            row = json.loads(line)
            reasons[str(row["phone_no_m"])] = [
                {
                    "feature": str(r["feature"]),
                    "value": _finite_or_none(r["value"]),
                    "calibrated": _finite(r["calibrated"]),
                }
                for r in row["reasons"]
            ]
        except (ValueError, KeyError, TypeError):
            raise ValidationError(
                {"reasons": [_("评分依据文件第 %(row)d 行格式不正确。") % {"row": n}]}
            ) from None
    return reasons


@transaction.atomic
def do_import_scores(
    scores: bytes, *, model_version: str, reasons: bytes | None = None, actor: User
) -> int:
    """Load the model's scores (the CSV ``shouwang antifraud score`` writes: phone_no_m, score,
    is_fraud) and, when given, its reasons (the JSON lines of ``--reasons``). A number scored
    again takes the new score. Every row is checked before any is written."""
    if not scores_importable_by(actor):
        raise NotPermitted("fraud.scores")
    model_version = model_version.strip()
    if not model_version or len(model_version) > 40:
        raise ValidationError({"model_version": [_("请填写模型版本(不超过 40 个字符)。")]})
    try:
        text = scores.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError({"scores": [_("文件不是 UTF-8 编码。")]}) from None
    try:
        records = csv_records(text)
    except csv.Error as exc:
        raise ValidationError(
            {"scores": [_("CSV 文件格式有误:%(error)s") % {"error": exc}]}
        ) from None
    if not {"phone_no_m", "score", "is_fraud"} <= set(records.header):
        raise ValidationError({"scores": [_("评分文件表头须为 phone_no_m,score,is_fraud。")]})
    explained = _read_reasons(reasons) if reasons else {}
    errors: dict[str, list[str]] = {}
    rows: dict[str, tuple[float, bool]] = {}
    for at, row in records.rows:
        # The upload page names data rows: the spreadsheet's row less the header's, so blank
        # lines keep their numbers and a quoted cell with line breaks is one row.
        n = at - records.header_row
        number = (row.get("phone_no_m") or "").strip()
        try:
            probability = float(row.get("score") or "")
        except ValueError:
            probability = -1.0
        if not number or len(number) > 64:
            errors.setdefault(f"row.{n}.phone_no_m", []).append(_("号码为空或过长。"))
        if not 0.0 <= probability <= 1.0:
            errors.setdefault(f"row.{n}.score", []).append(_("评分须为 0 到 1 之间的数字。"))
        if (row.get("is_fraud") or "").strip() not in ("0", "1"):
            errors.setdefault(f"row.{n}.is_fraud", []).append(_("is_fraud 须为 0 或 1。"))
        rows[number] = (probability, (row.get("is_fraud") or "").strip() == "1")
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    NumberScore.objects.filter(value__in=list(rows)).delete()
    NumberScore.objects.bulk_create(
        [
            NumberScore(
                value=number,
                model_version=model_version,
                probability=p,
                flagged=flag,
                reasons=explained.get(number, []),
                scored_at=now,
            )
            for number, (p, flag) in rows.items()
        ],
        batch_size=2000,
    )
    record(actor, "warning.scores", detail={"model_version": model_version, "rows": len(rows)})
    return len(rows)


def do_scan_late_tasks(now: datetime | None = None) -> int:
    """Hand every dissuasion task still open at its deadline to another officer of the station
    above the person's grid (the one with the fewest open tasks): money moves within the hour,
    and the first officer may be off duty or on another call. Once per task, audited; the
    deadline stays (it is the victim's), so the task stays marked late. Claimed with a
    conditional UPDATE, so scanners never double up. Returns how many were handed on."""
    now = now or timezone.now()
    moved = 0
    due = WarningTask.objects.filter(
        state=TaskState.OPEN, deadline__lt=now, escalated_at__isnull=True
    ).select_related("unit", "assignee")
    for task in due.iterator(chunk_size=500):
        stand_in = stand_in_for(task.unit, task.assignee)
        with transaction.atomic():
            claimed = WarningTask.objects.filter(
                pk=task.pk, state=TaskState.OPEN, escalated_at__isnull=True
            ).update(
                escalated_at=now,
                reassigned_from=task.assignee,
                assignee=stand_in or task.assignee,
            )
            if claimed != 1:
                continue
            record(
                None,
                "warning.task_late",
                task,
                unit=task.unit,
                detail={
                    "from": task.assignee_id,
                    "to": stand_in.pk if stand_in else None,
                    "deadline": task.deadline.isoformat(),
                },
            )
            if stand_in is not None:
                notify_handed(task, stand_in)
        moved += 1
    return moved
