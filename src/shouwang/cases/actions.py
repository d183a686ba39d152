"""The lifecycle engine: every state change of every case kind goes through these actions.

Each action checks permission, validates, moves the state with a conditional UPDATE (so two
people acting on the same case at once cannot both win), records the transition and the audit
row, all in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shouwang.audit.log import record
from shouwang.cases.choices import OPEN_STATES, CaseAction, CaseState, EvidenceStage
from shouwang.cases.evidence import check_evidence_file
from shouwang.cases.kinds import get_kind
from shouwang.cases.models import Case, CaseTransition, Evidence, SlaRule
from shouwang.cases.notify import notify_assigned, notify_escalated, settle_notices
from shouwang.cases.queries import assignable_organisations, case_visible_to
from shouwang.common.errors import ActionError, NotPermitted
from shouwang.orgs.scoping import user_covers_unit

if TYPE_CHECKING:
    from shouwang.orgs.models import Organisation, Unit, User


def require(actor: User, case: Case, step: str) -> None:
    kind = get_kind(case.kind)
    cap = kind.caps[step]
    if not actor.can(cap) or not case_visible_to(actor, case):
        raise NotPermitted(step)


def sla_hours(kind: str, grade: str) -> tuple[int, int]:
    """Hours allowed for (kind, grade), and hours between further escalations when overdue."""
    rule = SlaRule.objects.filter(kind=kind, grade=grade).first()
    if rule is not None:
        return rule.hours, rule.escalate_every_hours
    return get_kind(kind).default_sla_hours.get(grade, 24 * 7), 72


def _move(
    case: Case,
    action: CaseAction,
    allowed_from: Iterable[str],
    to_state: str,
    *,
    actor: User | None,
    note: str = "",
    updates: dict[str, Any] | None = None,
    detail: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> CaseTransition:
    now = now or timezone.now()
    allowed = list(allowed_from)
    if case.state not in allowed:
        raise ActionError(
            _("当前状态“%(state)s”下不能执行“%(action)s”。"),
            params={"state": CaseState(case.state).label, "action": action.label},
            code="bad_state",
        )
    changes = {"state": to_state, "updated_at": now, **(updates or {})}
    moved = Case.objects.filter(pk=case.pk, state=case.state).update(**changes)
    if moved != 1:
        raise ActionError(_("该案件刚被他人处理,请刷新后重试。"), code="conflict")
    from_state = case.state
    for name, value in changes.items():
        setattr(case, name, value)
    transition = CaseTransition.objects.create(
        case=case,
        action=action,
        from_state=from_state,
        to_state=to_state,
        actor=actor,
        note=note,
        detail=detail or {},
        at=now,
    )
    record(
        actor,
        f"case.{action}",
        case,
        unit=case.unit,
        detail={"from": from_state, "to": to_state, "note": note, **(detail or {})},
    )
    settle_notices(case, to_state)
    return transition


def _deadline_updates(case: Case, deadline: datetime, now: datetime) -> dict[str, Any]:
    updates: dict[str, Any] = {"deadline": deadline}
    if deadline > now:
        updates.update(is_overdue=False, escalation_level=0, escalated_to=None)
    return updates


@transaction.atomic
def do_grade_case(
    case: Case, *, grade: str, deadline: datetime | None = None, note: str = "", actor: User
) -> Case:
    """Grade a case; the grade sets the deadline from the SLA table unless one is given."""
    require(actor, case, "manage")
    kind = get_kind(case.kind)
    if grade not in kind.grades.values:
        raise ValidationError({"grade": _("无效的等级。")}, code="invalid")
    now = timezone.now()
    if deadline is None:
        deadline = now + timedelta(hours=sla_hours(case.kind, grade)[0])
    elif deadline <= now:
        raise ValidationError({"deadline": _("整改期限必须晚于当前时间。")}, code="past")
    allowed = [CaseState.REGISTERED, CaseState.GRADED, CaseState.ASSIGNED]
    to_state = CaseState.GRADED if case.state == CaseState.REGISTERED else case.state
    _move(
        case,
        CaseAction.GRADE,
        allowed,
        to_state,
        actor=actor,
        note=note,
        now=now,
        updates={"grade": grade, "graded_at": now, **_deadline_updates(case, deadline, now)},
        detail={"grade": grade, "deadline": deadline.isoformat()},
    )
    return case


@transaction.atomic
def do_assign_case(
    case: Case,
    *,
    unit: Unit | None = None,
    user: User | None = None,
    organisation: Organisation | None = None,
    deadline: datetime | None = None,
    note: str = "",
    actor: User,
) -> Case:
    """Hand a graded case to a unit, a person, or an outside party (a company, a department)."""
    require(actor, case, "manage")
    if unit is None and user is None and organisation is None:
        raise ValidationError(_("请指定承办单位、承办人或整改责任单位。"), code="required")
    if unit is not None and not user_covers_unit(actor, unit):
        raise ValidationError({"unit": _("只能交办给本辖区内的单位。")}, code="scope")
    if user is not None and (
        user.is_outside_party or user.unit is None or not user_covers_unit(actor, user.unit)
    ):
        raise ValidationError({"user": _("只能交办给本辖区内的民警或网格员。")}, code="scope")
    if (
        organisation is not None
        and not assignable_organisations(actor).filter(pk=organisation.pk).exists()
    ):
        raise ValidationError(
            {"organisation": _("只能交办给本辖区内(或不分辖区)的企业或部门。")}, code="scope"
        )
    now = timezone.now()
    updates: dict[str, Any] = {
        "assignee_unit": unit,
        "assignee_user": user,
        "assignee_org": organisation,
        "assigned_at": now,
        "assigned_by": actor,
    }
    if deadline is not None:
        if deadline <= now:
            raise ValidationError({"deadline": _("整改期限必须晚于当前时间。")}, code="past")
        updates.update(_deadline_updates(case, deadline, now))
    _move(
        case,
        CaseAction.ASSIGN,
        [CaseState.GRADED, CaseState.ASSIGNED],
        CaseState.ASSIGNED,
        actor=actor,
        note=note,
        now=now,
        updates=updates,
        detail={
            "unit": unit.pk if unit else None,
            "user": user.pk if user else None,
            "organisation": organisation.pk if organisation else None,
        },
    )
    notify_assigned(case, unit=unit, user=user, organisation=organisation, now=now)
    return case


def is_assignee(actor: User, case: Case) -> bool:
    if actor.is_outside_party:
        return case.assignee_org_id is not None and case.assignee_org_id == actor.organisation_id
    if case.assignee_user_id is not None:
        return case.assignee_user_id == actor.pk
    if case.assignee_unit is not None:
        return user_covers_unit(actor, case.assignee_unit)
    return False


@transaction.atomic
def do_submit_case(case: Case, *, note: str = "", actor: User) -> Case:
    """The assignee reports the work done; needs at least one piece of "after" evidence."""
    require(actor, case, "rectify")
    if not is_assignee(actor, case) and not actor.can(get_kind(case.kind).caps["manage"]):
        raise NotPermitted("rectify")
    if not case.evidence.filter(stage=EvidenceStage.AFTER).exists():
        raise ValidationError(_("请先上传整改后的照片或文件。"), code="no_evidence")
    now = timezone.now()
    _move(
        case,
        CaseAction.SUBMIT,
        [CaseState.ASSIGNED],
        CaseState.SUBMITTED,
        actor=actor,
        note=note,
        now=now,
        updates={"submitted_at": now, "submitted_by": actor},
    )
    return case


def _check_independent(case: Case, actor: User) -> None:
    # Verification only counts when it is done by someone other than the one who did the work.
    if actor.pk in {case.submitted_by_id, case.assignee_user_id}:
        raise ValidationError(_("核查必须由整改人以外的人员进行。"), code="not_independent")


@transaction.atomic
def do_verify_case(case: Case, *, note: str = "", actor: User) -> Case:
    """Verify the rectification and close the case (销号)."""
    require(actor, case, "verify")
    if actor.is_outside_party:
        raise NotPermitted("verify")
    _check_independent(case, actor)
    now = timezone.now()
    _move(
        case,
        CaseAction.VERIFY,
        [CaseState.SUBMITTED],
        CaseState.CLOSED,
        actor=actor,
        note=note,
        now=now,
        updates={"closed_at": now, "closed_by": actor, "is_overdue": False},
    )
    return case


@transaction.atomic
def do_reject_case(case: Case, *, note: str, actor: User) -> Case:
    require(actor, case, "verify")
    if actor.is_outside_party:
        raise NotPermitted("verify")
    _check_independent(case, actor)
    if not note.strip():
        raise ValidationError({"note": _("请说明核查不通过的原因。")}, code="required")
    _move(
        case,
        CaseAction.REJECT,
        [CaseState.SUBMITTED],
        CaseState.ASSIGNED,
        actor=actor,
        note=note,
        updates={"submitted_at": None, "submitted_by": None},
    )
    return case


@transaction.atomic
def do_reopen_case(case: Case, *, note: str, deadline: datetime | None = None, actor: User) -> Case:
    require(actor, case, "manage")
    if not note.strip():
        raise ValidationError({"note": _("请说明重新打开的原因。")}, code="required")
    now = timezone.now()
    if deadline is None:
        deadline = now + timedelta(hours=sla_hours(case.kind, case.grade)[0])
    updates = {
        "closed_at": None,
        "closed_by": None,
        "submitted_at": None,
        "submitted_by": None,
        **_deadline_updates(case, deadline, now),
    }
    to_state = CaseState.ASSIGNED if case.assigned_at else CaseState.REGISTERED
    _move(
        case,
        CaseAction.REOPEN,
        [CaseState.CLOSED],
        to_state,
        actor=actor,
        note=note,
        now=now,
        updates=updates,
    )
    return case


@transaction.atomic
def do_cancel_case(case: Case, *, reason: str, actor: User) -> Case:
    require(actor, case, "manage")
    if len(reason.strip()) < 2:
        raise ValidationError({"reason": _("请填写撤销原因。")}, code="required")
    _move(
        case,
        CaseAction.CANCEL,
        OPEN_STATES,
        CaseState.CANCELLED,
        actor=actor,
        note=reason,
        updates={"cancel_reason": reason.strip()},
    )
    return case


@transaction.atomic
def do_close_case(case: Case, *, note: str, actor: User, now: datetime | None = None) -> Case:
    """Close a case whose kind has no rectification step (a fraud report is closed when the
    centre has done what it can: 结案). Kinds with rectification close through verification."""
    require(actor, case, "manage")
    if not get_kind(case.kind).closes_directly:
        raise ActionError(_("此类案件须经核查后销号。"), code="bad_kind")
    if len(note.strip()) < 2:
        raise ValidationError({"note": _("请填写结案说明。")}, code="required")
    now = now or timezone.now()
    _move(
        case,
        CaseAction.CLOSE,
        OPEN_STATES,
        CaseState.CLOSED,
        actor=actor,
        note=note,
        now=now,
        updates={"closed_at": now, "closed_by": actor},
    )
    return case


@transaction.atomic
def do_add_evidence(
    case: Case, *, upload: UploadedFile[bytes], stage: str, actor: User
) -> Evidence:
    step = get_kind(case.kind).evidence_steps.get(stage)
    if step is None:
        raise ValidationError({"stage": _("无效的证据阶段。")}, code="invalid")
    require(actor, case, step)
    if case.state in {CaseState.CLOSED, CaseState.CANCELLED}:
        raise ActionError(_("已结束的案件不能再上传证据。"), code="bad_state")
    checked = check_evidence_file(upload)
    evidence = Evidence(
        case=case,
        stage=stage,
        original_name=checked.name,
        content_type=checked.content_type,
        size=len(checked.content),
        sha256=checked.sha256,
        uploaded_by=actor,
        uploaded_at=timezone.now(),
    )
    evidence.file.save(checked.name, ContentFile(checked.content), save=False)
    # If the transaction rolls back, the stored file is orphaned but harmless (content-addressed).
    evidence.save()
    CaseTransition.objects.create(
        case=case,
        action=CaseAction.EVIDENCE,
        from_state=case.state,
        to_state=case.state,
        actor=actor,
        note=checked.name,
        detail={"stage": stage, "evidence": evidence.pk},
        at=evidence.uploaded_at,
    )
    record(
        actor,
        "case.evidence",
        case,
        unit=case.unit,
        detail={"stage": stage, "sha256": checked.sha256, "size": evidence.size},
    )
    return evidence


@transaction.atomic
def do_record_outside_step(
    case: Case,
    *,
    to_state: CaseState,
    note: str,
    deadline: datetime | None = None,
    detail: dict[str, Any] | None = None,
    actor: User,
) -> Case:
    """Record a step a case took before it entered the platform (an imported ledger says it was
    rectified, or closed). Only submitted and closed are accepted: the step is marked as
    recorded by the importer, not as checked in the platform, and nobody counts as its doer,
    so anyone but the assignee may still verify a submitted case.
    """
    require(actor, case, "manage")
    now = timezone.now()
    if to_state == CaseState.SUBMITTED:
        _move(
            case,
            CaseAction.SUBMIT,
            [CaseState.ASSIGNED],
            CaseState.SUBMITTED,
            actor=actor,
            note=note,
            now=now,
            updates={"submitted_at": now, "submitted_by": None},
            detail={"outside": True, **(detail or {})},
        )
    elif to_state == CaseState.CLOSED:
        updates: dict[str, Any] = {"closed_at": now, "closed_by": actor, "is_overdue": False}
        if deadline is not None:
            updates["deadline"] = deadline
        _move(
            case,
            CaseAction.VERIFY,
            OPEN_STATES,
            CaseState.CLOSED,
            actor=actor,
            note=note,
            now=now,
            updates=updates,
            detail={"outside": True, **(detail or {})},
        )
    else:
        raise ValueError(f"an outside step cannot reach {to_state}")
    return case


def do_scan_overdue(now: datetime | None = None) -> int:
    """Mark open cases past their deadline overdue and escalate them up the unit tree.

    The first escalation goes to the case unit's parent at the deadline; each further
    `escalate_every_hours` still open takes it one level higher. Each case is claimed with a
    conditional UPDATE on its escalation level, so two scanners never escalate it twice.
    Returns the number of escalations made.
    """
    now = now or timezone.now()
    escalations = 0
    due = (
        Case.objects.filter(state__in=OPEN_STATES, deadline__lt=now)
        .select_related("unit")
        .only("id", "kind", "grade", "deadline", "escalation_level", "unit", "state", "title")
    )
    for case in due.iterator(chunk_size=500):
        assert case.deadline is not None
        every = sla_hours(case.kind, case.grade)[1]
        overdue_hours = (now - case.deadline).total_seconds() / 3600
        target_level = 1 + int(overdue_hours // max(every, 1))
        ancestors = list(case.unit.ancestors().exclude(pk=case.unit_id))
        target_level = min(target_level, max(len(ancestors), 1))
        if target_level <= case.escalation_level:
            continue
        escalated_to = ancestors[-target_level] if ancestors else case.unit
        with transaction.atomic():
            claimed = Case.objects.filter(
                pk=case.pk, escalation_level=case.escalation_level, state__in=OPEN_STATES
            ).update(is_overdue=True, escalation_level=target_level, escalated_to=escalated_to)
            if claimed != 1:
                continue
            CaseTransition.objects.create(
                case=case,
                action=CaseAction.ESCALATE,
                from_state=case.state,
                to_state=case.state,
                actor=None,
                at=now,
                note=_("已逾期,上报至 %(unit)s") % {"unit": escalated_to.name},
                detail={"level": target_level, "unit": escalated_to.pk},
            )
            record(
                None,
                "case.escalate",
                case,
                unit=case.unit,
                detail={"level": target_level, "escalated_to": escalated_to.pk},
            )
            notify_escalated(case, to=escalated_to, level=target_level)
        escalations += 1
    return escalations
