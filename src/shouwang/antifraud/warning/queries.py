"""Reads of the warning loop, always scoped. Police see their subtree (a task's unit is the
person's grid, so the grid worker, the station and the centre above see it); partner desks see
none of it: they learn of a flagged number only as a request in their own queue."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.http import Http404

from shouwang.antifraud.normalise import feed_spellings
from shouwang.antifraud.warning.models import (
    BlockProposal,
    NumberScore,
    RuleVersion,
    WarningEvent,
    WarningRule,
    WarningTask,
)
from shouwang.orgs.roles import Cap
from shouwang.orgs.scoping import for_user, jurisdiction, scope_q, user_covers_unit

if TYPE_CHECKING:
    from shouwang.orgs.models import User


def _police_with(user: User, *caps: Cap) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and not user.is_outside_party
        and any(user.can(cap) for cap in caps)
    )


def tasks_for_user(user: User) -> QuerySet[WarningTask]:
    if not _police_with(user, Cap.WARNING_HANDLE):
        return WarningTask.objects.none()
    return for_user(WarningTask.objects.all(), user, unit_field="unit")


def task_visible_to(user: User, task: WarningTask) -> bool:
    return _police_with(user, Cap.WARNING_HANDLE) and user_covers_unit(user, task.unit)


def access_task(user: User, task_id: int) -> WarningTask:
    task = (
        WarningTask.objects.select_related(
            "unit", "assignee", "reassigned_from", "rule_version__rule", "event"
        )
        .filter(pk=task_id)
        .first()
    )
    if task is None or not task_visible_to(user, task):
        raise Http404
    return task


def proposals_for_user(user: User) -> QuerySet[BlockProposal]:
    if not _police_with(user, Cap.FRAUD_MANAGE):
        return BlockProposal.objects.none()
    return for_user(BlockProposal.objects.all(), user, unit_field="unit")


def access_proposal(user: User, proposal_id: int) -> BlockProposal:
    proposal = proposals_for_user(user).filter(pk=proposal_id).first()
    if proposal is None:
        raise Http404
    return proposal


def rules_for_user(user: User) -> QuerySet[WarningRule]:
    """The rules of the user's subtree, and those of the units above it: they apply to the
    user's area too, so a station chief sees the city centre's rules (to read, not to edit)."""
    if not _police_with(user, Cap.RULE_EDIT, Cap.FRAUD_MANAGE):
        return WarningRule.objects.none()
    q = scope_q(user, unit_field="unit")
    if q is None:
        return WarningRule.objects.all()
    root = jurisdiction(user)
    if root is None:
        return WarningRule.objects.none()
    return WarningRule.objects.filter(q | Q(unit__in=root.ancestors()))


def rule_editable_by(user: User, rule: WarningRule) -> bool:
    """Only the rules of the user's own subtree: a rule from above is its unit's to change."""
    return _police_with(user, Cap.RULE_EDIT) and user_covers_unit(user, rule.unit)


def scores_importable_by(user: User) -> bool:
    """The model's scores are the platform's (one per number, read by every unit's rules), so
    only someone whose jurisdiction is a whole tree may replace them: the province's centre,
    or the city's in a one-city installation. A city's analyst under a province would
    otherwise overwrite what the other cities' rules read."""
    if not _police_with(user, Cap.RULE_EDIT):
        return False
    if scope_q(user) is None:  # an administrator over everything
        return True
    root = jurisdiction(user)
    return root is not None and root.parent_id is None


def access_rule(user: User, rule_pk: int, *, to_edit: bool = False) -> WarningRule:
    rule = rules_for_user(user).select_related("active_version", "unit").filter(pk=rule_pk).first()
    if rule is None or (to_edit and not rule_editable_by(user, rule)):
        raise Http404
    return rule


def access_version(user: User, version_pk: int, *, to_edit: bool = False) -> RuleVersion:
    version = (
        RuleVersion.objects.select_related("rule__unit")
        .filter(pk=version_pk, rule__in=rules_for_user(user))
        .first()
    )
    if version is None or (to_edit and not rule_editable_by(user, version.rule)):
        raise Http404
    return version


def events_for_user(user: User) -> QuerySet[WarningEvent]:
    if not _police_with(user, Cap.FRAUD_MANAGE, Cap.RULE_EDIT):
        return WarningEvent.objects.none()
    return for_user(WarningEvent.objects.all(), user, unit_field="unit")


def score_of_number(number: str) -> NumberScore | None:
    """The model's latest score of a number, if it was scored."""
    return (
        NumberScore.objects.filter(value__in=feed_spellings(number)).order_by("-scored_at").first()
    )


def warnings_about(user: User, number: str) -> tuple[int, list[BlockProposal]]:
    """How many dissuasion tasks this number (or account) caused that the user can see, and
    the block proposals about it (for those who decide them)."""
    spellings = feed_spellings(number)
    tasks = tasks_for_user(user).filter(counterpart__in=spellings).count()
    proposals = list(proposals_for_user(user).filter(value__in=spellings).order_by("-created_at"))
    return tasks, proposals
