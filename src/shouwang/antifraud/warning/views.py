"""Pages of the warning loop: the officer's task queue and task page, the analyst's proposals,
rules (editor, versions, backtest, on/off), precision, and event and score uploads."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from shouwang.antifraud.choices import ACCOUNT_KIND_CHOICES, FraudType
from shouwang.antifraud.views.common import actor_of, error_dict
from shouwang.antifraud.warning import actions
from shouwang.antifraud.warning.choices import Outcome, ProposalState, TaskState
from shouwang.antifraud.warning.definitions import load_json
from shouwang.antifraud.warning.events import read_event_file
from shouwang.antifraud.warning.feedback import by_model_version, by_rule_version
from shouwang.antifraud.warning.queries import (
    access_proposal,
    access_rule,
    access_task,
    access_version,
    proposals_for_user,
    rule_editable_by,
    rules_for_user,
    scores_importable_by,
    tasks_for_user,
)
from shouwang.antifraud.warning.scripts import script_for
from shouwang.common.errors import NotPermitted
from shouwang.common.params import iso_datetime
from shouwang.orgs.roles import Cap
from shouwang.orgs.scoping import jurisdiction, unit_by_code, unit_choices


def example_rule() -> dict[str, Any]:
    """The editor's prefilled example: a call from a number on the blocklist (confirmed
    indicators) flags the callee as a likely victim. Its name says what its condition checks."""
    return {
        "name": _("接到已确认涉诈号码来电"),
        "risk": "high",
        "when": {
            "all": [
                {"field": "type", "op": "eq", "value": "call"},
                {"field": "src", "op": "in_list", "value": "blocklist"},
            ]
        },
        "flag": {"party": "dst", "role": "victim"},
        "cooldown_minutes": 60,
    }


@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request, Cap.WARNING_HANDLE)
    state = request.GET.get("state", TaskState.OPEN)
    tasks = tasks_for_user(actor).select_related("unit", "assignee", "reassigned_from")
    if state in TaskState.values:
        tasks = tasks.filter(state=state)
    # The officer's own grid first, then by deadline: the next call to make is at the top.
    mine = Case(
        When(assignee=actor, then=Value(0)),
        When(unit_id=actor.unit_id, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    tasks = tasks.annotate(mine=mine).order_by("mine", "deadline", "id")[:200]
    return render(
        request,
        "fraud_warning/task_list.html",
        {"tasks": tasks, "state": state, "states": TaskState.choices, "now": timezone.now()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request, Cap.WARNING_HANDLE)
    task = access_task(actor, pk)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        loss: Decimal | None = None
        raw_loss = request.POST.get("loss_amount", "").strip()
        try:
            loss = Decimal(raw_loss) if raw_loss else None
        except InvalidOperation:
            errors["loss_amount"] = [_("金额“%(v)s”不是数字。") % {"v": raw_loss[:20]}]
        if not errors:
            try:
                actions.do_record_outcome(
                    task,
                    outcome=request.POST.get("outcome", ""),
                    note=request.POST.get("note", "")[:2000],
                    loss_amount=loss,
                    paid_to=(
                        request.POST.get("to_kind", ""),
                        request.POST.get("to_account", "").strip()[:64],
                    ),
                    actor=actor,
                )
                return redirect("fraud_warning:task-detail", pk=task.pk)
            except ValidationError as exc:
                errors = error_dict(exc)
    return render(
        request,
        "fraud_warning/task_detail.html",
        {
            "task": task,
            "script": script_for(task.fraud_type),
            "outcomes": Outcome.choices,
            "account_kinds": ACCOUNT_KIND_CHOICES,
            "errors": errors,
            "post": request.POST,
            "now": timezone.now(),
        },
    )


@login_required
def proposal_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request, Cap.FRAUD_MANAGE)
    state = request.GET.get("state", ProposalState.PENDING)
    proposals = (
        proposals_for_user(actor)
        .select_related("rule_version__rule", "event")
        .prefetch_related("requests")
    )
    if state in ProposalState.values:
        proposals = proposals.filter(state=state)
    return render(
        request,
        "fraud_warning/proposal_list.html",
        {"proposals": proposals[:200], "state": state, "states": ProposalState.choices},
    )


@login_required
@require_POST
def proposal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request, Cap.FRAUD_MANAGE)
    proposal = access_proposal(actor, pk)
    note = request.POST.get("note", "")[:200]
    try:
        if request.POST.get("decision") == "approve":
            actions.do_approve_proposal(proposal, note=note, actor=actor)
        else:
            actions.do_reject_proposal(proposal, note=note, actor=actor)
    except ValidationError as exc:
        return render(
            request,
            "fraud_warning/proposal_list.html",
            {
                "proposals": proposals_for_user(actor).filter(state=ProposalState.PENDING),
                "state": ProposalState.PENDING,
                "states": ProposalState.choices,
                "errors": {proposal.pk: [m for ms in error_dict(exc).values() for m in ms]},
            },
            status=422,
        )
    return redirect("fraud_warning:proposal-list")


@login_required
def rule_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request, Cap.RULE_EDIT, Cap.FRAUD_MANAGE)
    rules = (
        rules_for_user(actor).select_related("active_version", "unit").prefetch_related("versions")
    )
    return render(request, "fraud_warning/rule_list.html", {"rules": rules})


@login_required
@require_http_methods(["GET", "POST"])
def rule_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """The JSON editor: a new rule, or a new version of rule ``pk``."""
    actor = actor_of(request, Cap.RULE_EDIT)
    rule = access_rule(actor, pk, to_edit=True) if pk is not None else None
    latest = rule.versions.order_by("-version").first() if rule is not None else None
    base = dict(latest.definition) if latest is not None else example_rule()
    for key in ("id", "version"):
        base.pop(key, None)
    text = request.POST.get("definition", json.dumps(base, ensure_ascii=False, indent=2))
    rule_id = rule.rule_id if rule is not None else request.POST.get("rule_id", "").strip()
    fraud_type = request.POST.get(
        "fraud_type", latest.fraud_type if latest is not None else FraudType.OTHER
    )
    # A new rule belongs to a unit the user picks (their own by default); a version stays
    # with its rule's unit.
    home = jurisdiction(actor)
    unit_code = request.POST.get("unit", home.code if home is not None else "").strip()
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        unit = rule.unit if rule is not None else unit_by_code(actor, unit_code)
        try:
            if unit is None:
                raise ValidationError({"unit": [_("请选择您辖区内的单位。")]})
            version = actions.do_save_rule_version(
                load_json(text),
                rule_id=rule_id,
                fraud_type=fraud_type,
                actor=actor,
                unit=unit,
                new=rule is None,
            )
            return redirect("fraud_warning:rule-detail", pk=version.rule_id)
        except ValidationError as exc:
            errors = error_dict(exc)
    return render(
        request,
        "fraud_warning/rule_edit.html",
        {
            "rule": rule,
            "rule_id": rule_id,
            "units": unit_choices(actor) if rule is None else [],
            "unit_code": unit_code,
            "text": text,
            "fraud_type": fraud_type,
            "fraud_types": FraudType.choices,
            "errors": errors,
        },
        status=422 if errors else 200,
    )


@login_required
def rule_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request, Cap.RULE_EDIT, Cap.FRAUD_MANAGE)
    rule = access_rule(actor, pk)
    versions = rule.versions.select_related("created_by").prefetch_related("backtests")
    now = timezone.localtime()
    return render(
        request,
        "fraud_warning/rule_detail.html",
        {
            "rule": rule,
            "editable": rule_editable_by(actor, rule),
            "versions": versions,
            "since": (now - timedelta(days=30)).strftime("%Y-%m-%dT%H:%M"),
            "until": now.strftime("%Y-%m-%dT%H:%M"),
            "errors": request.session.pop("warning_rule_errors", {}),
        },
    )


@login_required
@require_POST
def version_action(request: HttpRequest, pk: int) -> HttpResponse:
    """Backtest a version, switch the rule on at it, or switch the rule off."""
    actor = actor_of(request, Cap.RULE_EDIT)
    version = access_version(actor, pk, to_edit=True)
    what = request.POST.get("action")
    try:
        if what == "backtest":
            since, until = (
                iso_datetime(request.POST.get("since", "")),
                iso_datetime(request.POST.get("until", "")),
            )
            if since is None or until is None:
                raise ValidationError({"since": [_("请填写回测起止时间。")]})
            actions.do_backtest_version(version, since=since, until=until, actor=actor)
        elif what == "activate":
            actions.do_activate_version(version, actor=actor)
        elif what == "deactivate":
            actions.do_deactivate_rule(version.rule, actor=actor)
    except ValidationError as exc:
        request.session["warning_rule_errors"] = {
            str(version.pk): [m for ms in error_dict(exc).values() for m in ms]
        }
    except NotPermitted:
        from django.http import Http404

        raise Http404 from None
    return redirect("fraud_warning:rule-detail", pk=version.rule_id)


@login_required
def precision(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request, Cap.RULE_EDIT, Cap.FRAUD_MANAGE)
    tasks, proposals = tasks_for_user(actor), proposals_for_user(actor)
    return render(
        request,
        "fraud_warning/precision.html",
        {
            "by_rule": by_rule_version(tasks, proposals),
            "by_model": by_model_version(tasks, proposals),
        },
    )


# A file's errors are keyed row.<n>.<column> (or row.<n> for a whole line; n is a CSV's data row
# or a JSON-lines file's line, from 1); the page lists them as a table, not next to a field.
ROW_KEY = re.compile(r"row\.(\d+)(?:\.(.+))?")
ROWS_SHOWN = 200


@dataclass(frozen=True)
class RowError:
    key: str
    row: int
    column: str
    message: str


@dataclass
class UploadErrors:
    """One upload form's errors: of the form as a whole, per field, and per row of the file."""

    general: list[str] = field(default_factory=list)
    fields: dict[str, list[str]] = field(default_factory=dict)
    rows: list[RowError] = field(default_factory=list)

    @classmethod
    def of(cls, errors: dict[str, list[str]], *, fields: set[str], file_field: str) -> UploadErrors:
        out = cls()
        for key, messages in errors.items():
            match = ROW_KEY.fullmatch(key)
            if match is not None:
                row, column = int(match[1]), match[2] or ""
                out.rows += [RowError(key, row, column, m) for m in messages]
            elif key in fields:
                out.fields.setdefault(key, []).extend(messages)
            elif key == "row":  # about the file's rows as a whole: none, too many
                out.fields.setdefault(file_field, []).extend(messages)
            else:
                out.general.extend(messages)
        return out

    @property
    def shown_rows(self) -> list[RowError]:
        return self.rows[:ROWS_SHOWN]

    @property
    def hidden_rows(self) -> int:
        return max(0, len(self.rows) - ROWS_SHOWN)


def _ingested(events: int, tasks: int, proposals: int) -> str:
    # Each count in its own plural form: English needs "1 block proposal", "2 block proposals".
    return _("已接收 %(events)s,产生 %(tasks)s、%(proposals)s。") % {
        "events": ngettext("%(n)d 条事件", "%(n)d 条事件", events) % {"n": events},
        "tasks": ngettext("%(n)d 个劝阻任务", "%(n)d 个劝阻任务", tasks) % {"n": tasks},
        "proposals": ngettext("%(n)d 条封停建议", "%(n)d 条封停建议", proposals) % {"n": proposals},
    }


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    """Events from a file (CSV or JSON lines), or the model's scores. Each form shows its own
    errors, next to its fields, and keeps the typed model version."""
    actor = actor_of(request, Cap.FRAUD_MANAGE, Cap.RULE_EDIT)
    what = "scores" if request.POST.get("what") == "scores" else "events"
    errors: dict[str, list[str]] = {}
    done = ""
    if request.method == "POST":
        try:
            if what == "scores":
                scores = request.FILES.get("scores")
                reasons = request.FILES.get("reasons")
                if scores is None:
                    raise ValidationError({"scores": [_("请选择评分文件。")]})
                rows = actions.do_import_scores(
                    scores.read(),
                    model_version=request.POST.get("model_version", ""),
                    reasons=reasons.read() if reasons is not None else None,
                    actor=actor,
                )
                done = ngettext(
                    "已导入 %(n)d 个号码的评分。", "已导入 %(n)d 个号码的评分。", rows
                ) % {"n": rows}
            else:
                upload = request.FILES.get("file")
                if upload is None:
                    raise ValidationError({"file": [_("请选择文件。")]})
                result = actions.do_ingest_events(
                    read_event_file(upload.name or "", upload.read()), source="file", actor=actor
                )
                done = _ingested(len(result.events), len(result.tasks), len(result.proposals))
        except ValidationError as exc:
            errors = error_dict(exc)
        except NotPermitted:
            errors = {"__all__": [_("无权执行此操作。")]}
    score_fields = {"model_version", "scores", "reasons"}
    return render(
        request,
        "fraud_warning/upload.html",
        {
            "done": done,
            "events_errors": UploadErrors.of(errors, fields={"file"}, file_field="file")
            if errors and what == "events"
            else None,
            "scores_errors": UploadErrors.of(errors, fields=score_fields, file_field="scores")
            if errors and what == "scores"
            else None,
            "model_version": request.POST.get("model_version", "") if errors else "",
            "may_import_scores": scores_importable_by(actor),
        },
        status=422 if errors else 200,
    )
