"""Every write of the anti-fraud centre: register a report (which sends its block and freeze
requests in the same transaction), accept a public report, answer, cancel and escalate requests,
confirm indicators onto the blocklist, close a report."""

from __future__ import annotations

import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shouwang.antifraud.choices import (
    ACCOUNT_KINDS,
    DEFAULT_ESCALATE_EVERY_MINUTES,
    DEFAULT_REQUEST_MINUTES,
    REQUEST_FOR_KIND,
    FraudGrade,
    ReportChannel,
    RequestSource,
    RequestState,
    RequestType,
)
from shouwang.antifraud.intake import ReportInput, _Errors, parse_amount, parse_contact_phone
from shouwang.antifraud.kind import FRAUD_KIND
from shouwang.antifraud.models import (
    FraudReport,
    Indicator,
    PartnerRequest,
    ReportIndicator,
    RequestDeadline,
    Transfer,
)
from shouwang.antifraud.normalise import normalise
from shouwang.antifraud.notify import notify_desks, notify_late, settle_request
from shouwang.antifraud.routing import Desks
from shouwang.audit.log import pending, record, write
from shouwang.audit.models import AuditEvent
from shouwang.cases.actions import sla_hours
from shouwang.cases.choices import CaseAction, CaseState
from shouwang.cases.models import CaseTransition
from shouwang.common.errors import ActionError, NotPermitted
from shouwang.orgs.models import Organisation, Unit
from shouwang.orgs.roles import Cap
from shouwang.orgs.scoping import user_covers_unit

if TYPE_CHECKING:
    from shouwang.orgs.models import User

# Crockford's base32 without I, L, O, U: a receipt read over the phone is not misheard.
ACK_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_ack_number() -> str:
    return "FZ" + "".join(secrets.choice(ACK_ALPHABET) for _ in range(10))


def grade_for_loss(loss: Decimal) -> str:
    if loss >= 500_000:
        return FraudGrade.HUGE
    if loss >= 30_000:
        return FraudGrade.LARGE
    if loss >= 3_000:
        return FraudGrade.SIGNIFICANT
    return FraudGrade.MINOR


def request_minutes_table() -> dict[str, tuple[int, int]]:
    """Every request type's (minutes, escalate every minutes), the table over the defaults:
    one query however many requests a report sends."""
    table = {t: (m, DEFAULT_ESCALATE_EVERY_MINUTES) for t, m in DEFAULT_REQUEST_MINUTES.items()}
    for rule in RequestDeadline.objects.all():
        table[rule.type] = (rule.minutes, rule.escalate_every_minutes)
    return table


def public_intake_unit() -> Unit:
    """Where public reports wait for the centre: the configured unit, else the top of the tree."""
    code = str(getattr(settings, "FRAUD_PUBLIC_INTAKE_UNIT", "") or "")
    unit = Unit.objects.filter(code=code).first() if code else None
    if unit is None:
        unit = Unit.objects.filter(parent__isnull=True).order_by("pk").first()
    if unit is None:
        raise ActionError(_("尚未配置接收群众举报的单位。"), code="no_unit")
    return unit


# One statement creates a report's new indicators and counts the report on the known ones,
# returning every id: four or five statements fewer per report than insert, select, update.
# Rows go in sorted order, so two reports naming the same numbers lock them in the same order
# and never wait on each other in a cycle. PostgreSQL and SQLite (3.35+) both run it.
_UPSERT_INDICATORS = (
    "INSERT INTO {table} (kind, value, first_seen, last_seen, report_count, confirm_note) "
    "VALUES {rows} ON CONFLICT (kind, value) DO UPDATE SET {update} RETURNING id, kind, value"
)
_COUNT_REPORT = "report_count = {table}.report_count + 1, last_seen = EXCLUDED.last_seen"
# Without a report to count, a no-op update still returns the existing row's id.
_KEEP = "last_seen = {table}.last_seen"


def _upsert_indicators(
    keys: list[tuple[str, str]], now: datetime, *, count_report: bool
) -> dict[tuple[str, str], Indicator]:
    """The indicators for (kind, normalised value) keys, created if new, and if `count_report`
    each counted once more on a report. The instances carry only id, kind and value."""
    keys = sorted(set(keys))
    if not keys:
        return {}
    table = connection.ops.quote_name(Indicator._meta.db_table)
    sql = _UPSERT_INDICATORS.format(
        table=table,
        rows=", ".join(["(%s, %s, %s, %s, %s, '')"] * len(keys)),
        update=(_COUNT_REPORT if count_report else _KEEP).format(table=table),
    )
    at = connection.ops.adapt_datetimefield_value(now)
    params: list[Any] = []
    for kind, value in keys:
        params += [kind, value, at, at, 1 if count_report else 0]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return {(kind, value): Indicator(pk=pk, kind=kind, value=value) for pk, kind, value in rows}


@dataclass(frozen=True)
class _Target:
    """An indicator a request goes out for, with the institution and sum it concerns."""

    indicator: Indicator
    institution: Organisation | None
    amount: Decimal | None


def _new_requests(
    targets: list[_Target],
    *,
    report: FraudReport | None,
    unit: Unit,
    source: str,
    now: datetime,
) -> list[PartnerRequest]:
    """Unsaved requests, one per target, each to its partner desk with its type's deadline."""
    minutes = request_minutes_table()
    desks = Desks()
    requests = []
    for target in targets:
        ind = target.indicator
        request_type = REQUEST_FOR_KIND[ind.kind]
        requests.append(
            PartnerRequest(
                report=report,
                source=source,
                indicator=ind,
                type=request_type,
                organisation=desks.desk_for(ind.kind, ind.value, target.institution),
                unit=unit,
                amount_requested=target.amount if ind.kind in ACCOUNT_KINDS else None,
                created_at=now,
                deadline=now + timedelta(minutes=minutes[request_type][0]),
            )
        )
    return requests


def _request_events(
    created: list[PartnerRequest], actor: User | None, unit: Unit, extra: dict[str, Any]
) -> list[AuditEvent]:
    return [
        pending(
            actor,
            "fraud.request_sent",
            req,
            unit=unit,
            detail={
                "report": req.report_id,
                "type": req.type,
                "organisation": req.organisation_id,
                "deadline": req.deadline.isoformat(),
                **extra,
            },
        )
        for req in created
    ]


def _store_requests(
    requests: list[PartnerRequest],
    *,
    actor: User | None,
    unit: Unit,
    now: datetime,
    extra: dict[str, Any] | None = None,
) -> tuple[list[PartnerRequest], list[AuditEvent]]:
    """Store new requests and tell their desks; the audit events are returned for the caller to
    write with its own, in one statement."""
    created = PartnerRequest.objects.bulk_create(requests)
    notify_desks(created, now)
    return created, _request_events(created, actor, unit, extra or {})


def _send_requests(report: FraudReport, actor: User | None, now: datetime) -> None:
    """A public report accepted: its requests go out now, from what was stored with it."""
    amounts: dict[int, Decimal] = defaultdict(Decimal)
    for t in report.transfers.all():
        amounts[t.to_indicator_id] += t.amount
    links = report.indicator_links.select_related("indicator", "institution").order_by("pk")
    targets = [
        _Target(link.indicator, link.institution, amounts.get(link.indicator_id)) for link in links
    ]
    requests = _new_requests(
        targets, report=report, unit=report.unit, source=RequestSource.REPORT, now=now
    )
    _created, events = _store_requests(requests, actor=actor, unit=report.unit, now=now)
    write(events)
    FraudReport.objects.filter(pk=report.pk).update(requests_sent_at=now)
    report.requests_sent_at = now


@transaction.atomic
def _create_report(
    data: ReportInput, *, channel: str, unit: Unit, actor: User | None, accepted: bool
) -> FraudReport:
    """The report, its indicators and transfers, and (when accepted) one block request per
    phone / domain / app / social account and one freeze request per receiving account for the
    sum the victim sent it, each to its partner desk: about a dozen statements in all."""
    now = timezone.now()
    grade = grade_for_loss(data.loss_amount)
    report = FraudReport.objects.create(
        kind=FRAUD_KIND.name,
        title=FraudReport.stored_title(data.fraud_type, data.loss_amount),
        unit=unit,
        created_by=actor,
        created_at=now,
        state=CaseState.GRADED if accepted else CaseState.REGISTERED,
        grade=grade,
        graded_at=now if accepted else None,
        deadline=now + timedelta(hours=sla_hours(FRAUD_KIND.name, grade)[0]) if accepted else None,
        fraud_type=data.fraud_type,
        channel=channel,
        occurred_at=data.occurred_at,
        loss_amount=data.loss_amount,
        ack_number=new_ack_number(),
        narrative=data.narrative,
        victim_name=data.victim_name,
        victim_phone=data.victim_phone,
        victim_id_number=data.victim_id_number,
        accepted_at=now if accepted else None,
        accepted_by=actor if accepted else None,
        requests_sent_at=now if accepted else None,
    )
    named = data.all_indicators()
    indicators = _upsert_indicators([(i.kind, i.value) for i in named], now, count_report=True)
    ReportIndicator.objects.bulk_create(
        [
            ReportIndicator(
                report=report,
                indicator=indicators[(i.kind, i.value)],
                raw=i.raw[:300],
                institution=i.institution,
                institution_name=i.institution_name,
            )
            for i in named
        ]
    )
    Transfer.objects.bulk_create(
        [
            Transfer(
                report=report,
                from_account=t.from_account,
                from_institution=t.from_institution,
                to_indicator=indicators[(t.to.kind, t.to.value)],
                amount=t.amount,
                at=t.at,
            )
            for t in data.transfers
        ]
    )
    CaseTransition.objects.create(
        case=report,
        action=CaseAction.REGISTER,
        from_state="",
        to_state=report.state,
        actor=actor,
        at=now,
        detail={"channel": channel, "grade": grade},
    )
    events = [
        pending(
            actor,
            "fraud.report",
            report,
            unit=unit,
            detail={
                "channel": channel,
                "indicators": len(indicators),
                "transfers": len(data.transfers),
                "loss": str(data.loss_amount),
            },
        )
    ]
    if accepted:
        amounts: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
        for t in data.transfers:
            amounts[(t.to.kind, t.to.value)] += t.amount
        targets = [
            _Target(indicators[(i.kind, i.value)], i.institution, amounts.get((i.kind, i.value)))
            for i in named
        ]
        requests = _new_requests(
            targets, report=report, unit=unit, source=RequestSource.REPORT, now=now
        )
        _created, request_events = _store_requests(requests, actor=actor, unit=unit, now=now)
        events += request_events
    write(events)
    return report


def do_register_report(
    data: ReportInput, *, channel: str = ReportChannel.DESK, unit: Unit | None = None, actor: User
) -> FraudReport:
    """A station desk, a 110 operator or a partner system registers a report; its block and
    freeze requests are committed with it, so an acknowledged report always has them."""
    if not actor.can(Cap.FRAUD_REPORT) or actor.is_outside_party:
        raise NotPermitted("fraud.report")
    if channel not in {ReportChannel.DESK, ReportChannel.CALL_110, ReportChannel.API}:
        raise ValidationError({"channel": _("无效的报案来源。")})
    unit = unit or actor.unit
    if unit is None or not user_covers_unit(actor, unit):
        raise ValidationError({"unit": _("只能登记本辖区的报案。")}, code="scope")
    return _create_report(data, channel=channel, unit=unit, actor=actor, accepted=True)


def do_submit_public_report(data: ReportInput, *, contact_phone: str) -> FraudReport:
    """A citizen's report from the public form. It is stored at once (the receipt number is
    shown only after the commit) and waits for the centre to accept it."""
    errors = _Errors()
    # Checked again here (the form checks it with the rest through parse_public_report) so that
    # no caller can store a number police cannot call back.
    phone = parse_contact_phone(contact_phone, errors)
    errors.raise_if_any()
    data.victim_phone = data.victim_phone or phone
    return _create_report(
        data,
        channel=ReportChannel.PUBLIC,
        unit=public_intake_unit(),
        actor=None,
        accepted=False,
    )


@transaction.atomic
def do_accept_report(
    report: FraudReport, *, unit: Unit, note: str = "", actor: User
) -> FraudReport:
    """The centre accepts a public report into a station's jurisdiction; requests go out now."""
    if not actor.can(Cap.FRAUD_MANAGE) or not user_covers_unit(actor, report.unit):
        raise NotPermitted("fraud.accept")
    if not user_covers_unit(actor, unit):
        raise ValidationError({"unit": _("只能交给本辖区内的单位。")}, code="scope")
    now = timezone.now()
    grade = grade_for_loss(report.loss_amount)
    moved = FraudReport.objects.filter(pk=report.pk, accepted_at__isnull=True).update(
        accepted_at=now,
        accepted_by=actor,
        unit=unit,
        state=CaseState.GRADED,
        grade=grade,
        graded_at=now,
        deadline=now + timedelta(hours=sla_hours(FRAUD_KIND.name, grade)[0]),
        updated_at=now,
    )
    if moved != 1:
        raise ActionError(_("该举报已被受理。"), code="conflict")
    report.refresh_from_db()
    CaseTransition.objects.create(
        case=report,
        action=CaseAction.GRADE,
        from_state=CaseState.REGISTERED,
        to_state=CaseState.GRADED,
        actor=actor,
        note=note,
        at=now,
        detail={"accepted": True, "unit": unit.pk, "grade": grade},
    )
    record(actor, "fraud.accept", report, unit=unit, detail={"unit": unit.pk, "note": note})
    _send_requests(report, actor, now)
    return report


@dataclass(frozen=True)
class RequestItem:
    """One indicator to act on, found by analysis rather than named in the report: an account
    a trace says holds the victim's money, a number an early-warning rule flagged."""

    kind: str
    value: str
    institution: Organisation | None = None
    amount: Decimal | None = None


@transaction.atomic
def do_send_requests(
    items: list[RequestItem],
    *,
    source: str,
    unit: Unit,
    report: FraudReport | None = None,
    note: str = "",
    actor: User,
) -> list[PartnerRequest]:
    """Send block / freeze requests for indicators found by a trace or a warning, to their
    partner desks, with deadlines; an analyst decides which (the caller has the human step)."""
    if not actor.can(Cap.FRAUD_MANAGE) or not user_covers_unit(actor, unit):
        raise NotPermitted("fraud.manage")
    if source not in RequestSource.values or source == RequestSource.REPORT:
        raise ValidationError({"source": _("无效的请求来源。")})
    if report is not None and (
        report.unit_id != unit.pk and not user_covers_unit(actor, report.unit)
    ):
        raise NotPermitted("fraud.manage")
    if not items:
        raise ValidationError({"items": _("请至少选择一条线索。")})
    errors = _Errors()
    normalised: list[tuple[RequestItem, str]] = []
    for n, item in enumerate(items):
        try:
            normalised.append((item, normalise(item.kind, item.value).value))
        except ValidationError as exc:
            errors.add(f"items.{n}.value", exc)
        if item.amount is not None and item.amount < 0:
            errors.add(f"items.{n}.amount", _("金额不能为负数。"))
    errors.raise_if_any()
    now = timezone.now()
    indicators = _upsert_indicators(
        [(item.kind, value) for item, value in normalised], now, count_report=False
    )
    targets = [
        _Target(indicators[(item.kind, value)], item.institution, item.amount)
        for item, value in normalised
    ]
    requests = _new_requests(targets, report=report, unit=unit, source=source, now=now)
    created, events = _store_requests(
        requests, actor=actor, unit=unit, now=now, extra={"source": source, "note": note[:200]}
    )
    write(events)
    return created


def request_visible_to(user: User, req: PartnerRequest) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_outside_party:
        return (
            user.can(Cap.PARTNER_ANSWER)
            and user.organisation_id is not None
            and req.organisation_id == user.organisation_id
        )
    return user.can(Cap.FRAUD_VIEW) and user_covers_unit(user, req.unit)


@transaction.atomic
def do_answer_request(
    req: PartnerRequest,
    *,
    done: bool,
    amount_frozen: Any = None,
    failure_reason: str = "",
    note: str = "",
    partner_reference: str = "",
    actor: User,
) -> PartnerRequest:
    """A partner desk answers its own request: done (for a freeze, with the amount frozen) or
    failed with the reason. The centre may record an answer given off the system."""
    is_desk = actor.is_outside_party and actor.can(Cap.PARTNER_ANSWER)
    if is_desk:
        if req.organisation_id is None or req.organisation_id != actor.organisation_id:
            raise NotPermitted("partner.answer")
    elif not (actor.can(Cap.FRAUD_MANAGE) and user_covers_unit(actor, req.unit)):
        raise NotPermitted("partner.answer")
    errors = _Errors()
    frozen: Decimal | None = None
    if done and req.type == RequestType.FREEZE:
        frozen = parse_amount(amount_frozen, "amount_frozen", errors)
    elif amount_frozen not in (None, ""):
        errors.add("amount_frozen", _("只有办结的止付冻结请求才填写冻结金额。"))
    reason = failure_reason.strip()
    if not done and not reason:
        errors.add("failure_reason", _("请说明未能办理的原因。"))
    if len(reason) > 200:
        errors.add("failure_reason", _("不能超过 %(n)d 个字符。") % {"n": 200})
    if len(partner_reference.strip()) > 64:
        errors.add("partner_reference", _("不能超过 %(n)d 个字符。") % {"n": 64})
    errors.raise_if_any()
    now = timezone.now()
    state = RequestState.DONE if done else RequestState.FAILED
    changes: dict[str, Any] = {
        "state": state,
        "answered_at": now,
        "answered_by": actor,
        "amount_frozen": frozen,
        "failure_reason": "" if done else reason,
        "answer_note": note.strip(),
        "partner_reference": partner_reference.strip(),
    }
    moved = PartnerRequest.objects.filter(pk=req.pk, state=RequestState.SENT).update(**changes)
    if moved != 1:
        raise ActionError(_("该请求已答复或已撤回。"), code="conflict")
    for name, value in changes.items():
        setattr(req, name, value)
    record(
        actor,
        "fraud.request_answered",
        req,
        unit=req.unit,
        detail={
            "report": req.report_id,
            "state": state,
            "amount_frozen": str(frozen) if frozen is not None else None,
            "reason": reason if not done else "",
            "minutes": round((now - req.created_at).total_seconds() / 60, 1),
        },
    )
    settle_request(req)
    return req


@transaction.atomic
def do_cancel_request(req: PartnerRequest, *, reason: str, actor: User) -> PartnerRequest:
    if not (actor.can(Cap.FRAUD_MANAGE) and user_covers_unit(actor, req.unit)):
        raise NotPermitted("fraud.manage")
    if not reason.strip():
        raise ValidationError({"reason": _("请说明撤回原因。")})
    moved = PartnerRequest.objects.filter(pk=req.pk, state=RequestState.SENT).update(
        state=RequestState.CANCELLED, answer_note=reason.strip()[:2000]
    )
    if moved != 1:
        raise ActionError(_("该请求已答复或已撤回。"), code="conflict")
    req.state = RequestState.CANCELLED
    req.answer_note = reason.strip()
    record(actor, "fraud.request_cancelled", req, unit=req.unit, detail={"reason": reason})
    settle_request(req)
    return req


def do_scan_late_requests(now: datetime | None = None) -> int:
    """Mark open requests past their deadline late and escalate them up the unit tree: first to
    the parent of the report's unit at the deadline, then one level higher every
    `escalate_every_minutes`. Claimed with a conditional UPDATE, so scanners never double up."""
    now = now or timezone.now()
    escalations = 0
    due = PartnerRequest.objects.filter(state=RequestState.SENT, deadline__lt=now).select_related(
        "unit", "organisation"
    )
    minutes_by_type = request_minutes_table()
    for req in due.iterator(chunk_size=500):
        every = minutes_by_type[req.type][1]
        late_minutes = (now - req.deadline).total_seconds() / 60
        ancestors = list(req.unit.ancestors().exclude(pk=req.unit_id))
        target = min(1 + int(late_minutes // max(every, 1)), max(len(ancestors), 1))
        if target <= req.escalation_level:
            continue
        escalated_to = ancestors[-target] if ancestors else req.unit
        with transaction.atomic():
            claimed = PartnerRequest.objects.filter(
                pk=req.pk, escalation_level=req.escalation_level, state=RequestState.SENT
            ).update(is_late=True, escalation_level=target, escalated_to=escalated_to)
            if claimed != 1:
                continue
            record(
                None,
                "fraud.request_escalated",
                req,
                unit=req.unit,
                detail={"level": target, "escalated_to": escalated_to.pk},
            )
            notify_late(req, to=escalated_to, level=target)
        escalations += 1
    return escalations


@transaction.atomic
def do_confirm_indicator(indicator: Indicator, *, note: str, actor: User) -> Indicator:
    """Put an indicator on the blocklist: confirmed as used in fraud, with the basis."""
    if not actor.can(Cap.FRAUD_MANAGE) or actor.is_outside_party:
        raise NotPermitted("fraud.manage")
    if not note.strip():
        raise ValidationError({"note": _("请说明确认依据(如案件编号)。")})
    moved = Indicator.objects.filter(pk=indicator.pk, confirmed_at__isnull=True).update(
        confirmed_at=timezone.now(), confirmed_by=actor, confirm_note=note.strip()[:200]
    )
    if moved != 1:
        raise ActionError(_("该线索已在黑名单中。"), code="conflict")
    indicator.refresh_from_db()
    record(actor, "fraud.blocklist_add", indicator, detail={"note": note.strip()[:200]})
    return indicator


@transaction.atomic
def do_unconfirm_indicator(indicator: Indicator, *, note: str, actor: User) -> Indicator:
    """Take an indicator off the blocklist (a mistaken report, a number reassigned)."""
    if not actor.can(Cap.FRAUD_MANAGE) or actor.is_outside_party:
        raise NotPermitted("fraud.manage")
    if not note.strip():
        raise ValidationError({"note": _("请说明移出原因。")})
    moved = Indicator.objects.filter(pk=indicator.pk, confirmed_at__isnull=False).update(
        confirmed_at=None, confirmed_by=None, confirm_note=""
    )
    if moved != 1:
        raise ActionError(_("该线索不在黑名单中。"), code="conflict")
    indicator.refresh_from_db()
    record(actor, "fraud.blocklist_remove", indicator, detail={"note": note.strip()[:200]})
    return indicator
