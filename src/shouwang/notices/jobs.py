"""The delivery job: enqueued when a notice with deliveries commits, and by the scheduler for
retries."""

from __future__ import annotations

from django.tasks import task

from shouwang.audit.context import Origin, reset_origin, set_origin
from shouwang.notices.actions import do_send_due


@task()
def send_notices() -> int:
    token = set_origin(Origin(channel="job"))
    try:
        return do_send_due()
    finally:
        reset_origin(token)
