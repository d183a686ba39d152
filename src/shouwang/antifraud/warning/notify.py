"""Who hears of the warning loop: the officer a dissuasion task is for (urgent at high risk:
15 minutes to reach the person), the stand-in a late task is handed to, and the analysts who
decide block proposals."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse

from shouwang.antifraud.warning.choices import TASK_MINUTES, ProposalState, Risk
from shouwang.antifraud.warning.models import BlockProposal, WarningTask
from shouwang.common.masking import mask_phone
from shouwang.notices.actions import Message, do_notify, do_notify_many, do_settle
from shouwang.notices.choices import NoticeKind
from shouwang.notices.recipients import in_charge_of
from shouwang.orgs.roles import Cap

if TYPE_CHECKING:
    from shouwang.orgs.models import Unit, User


def _task_key(task: WarningTask) -> str:
    return f"task:{task.pk}"


def _url(task: WarningTask) -> str:
    return reverse("fraud_warning:task-detail", args=[task.pk])


def _task_message(task: WarningTask) -> Message | None:
    if task.assignee is None:
        return None
    return Message(
        task.assignee,
        NoticeKind.WARNING_TASK,
        {
            "risk": task.risk,
            "minutes": TASK_MINUTES.get(task.risk, ""),
            "person": mask_phone(task.person_phone),
        },
        _url(task),
        key=_task_key(task),
        unit=task.unit,
        urgent=task.risk == Risk.HIGH,
    )


def notify_batch(
    tasks: list[WarningTask], proposals: list[BlockProposal], unit: Unit, batch: str
) -> None:
    """A batch's notices in one write: each task's officer, and the analysts in charge of the
    receiving unit once for all the batch's proposals."""
    messages = [m for m in map(_task_message, tasks) if m is not None]
    if proposals:
        url = reverse("fraud_warning:proposal-list")
        messages += [
            Message(
                user,
                NoticeKind.PROPOSALS,
                {"n": len(proposals)},
                url,
                key=f"proposals:{batch}",
                unit=unit,
            )
            for user in in_charge_of(unit, Cap.FRAUD_MANAGE)
        ]
    do_notify_many(messages)


def notify_handed(task: WarningTask, stand_in: User) -> None:
    do_notify(
        [stand_in],
        kind=NoticeKind.WARNING_TASK_HANDED,
        params={"person": mask_phone(task.person_phone)},
        url=_url(task),
        key=f"{_task_key(task)}:handed",
        unit=task.unit,
        urgent=True,
    )


def settle_task(task: WarningTask) -> None:
    """An outcome is recorded: the task's notices (and the stand-in's) need nobody now."""
    do_settle(_task_key(task))


def settle_proposals(decided: BlockProposal) -> None:
    """The batch's last pending proposal decided: its notice needs nobody now."""
    batch = decided.event.batch
    pending = BlockProposal.objects.filter(event__batch=batch, state=ProposalState.PENDING)
    if not pending.exists():
        do_settle(f"proposals:{batch}")
