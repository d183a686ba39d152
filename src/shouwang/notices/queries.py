"""Reads of the notices: one's own only, and the 404-for-forbidden accessor."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404

from shouwang.notices.models import Notice

if TYPE_CHECKING:
    from shouwang.orgs.models import User


def access_notice(user: User, notice_id: int) -> Notice:
    """The notice if it is addressed to `user`; 404 for missing and someone else's alike."""
    notice = Notice.objects.filter(pk=notice_id, recipient=user).first()
    if notice is None:
        raise Http404
    return notice
