"""One's own notices over HTTP: /api/v1/notices/ (officers' phone apps poll it)."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema

from shouwang.common.api import ERRORS, api_user
from shouwang.notices import actions
from shouwang.notices.models import Notice
from shouwang.notices.queries import access_notice
from shouwang.notices.texts import text_of

router = Router(tags=["notices"])
LIST_LIMIT = 200


class NoticeOut(Schema):
    id: int
    kind: str
    text: str
    url: str
    urgent: bool
    created_at: datetime
    read_at: datetime | None

    @classmethod
    def of(cls, n: Notice) -> NoticeOut:
        return cls(
            id=n.pk,
            kind=n.kind,
            text=text_of(n.kind, n.params),
            url=n.url,
            urgent=n.urgent,
            created_at=n.created_at,
            read_at=n.read_at,
        )


class ReadAllOut(Schema):
    marked: int


@router.get("/", response={200: list[NoticeOut], **ERRORS}, summary="My notices")
def list_notices(request: HttpRequest, unread: bool = False) -> list[NoticeOut]:
    """Newest first, at most 200; ``unread=true`` for the unread ones only."""
    notices = Notice.objects.filter(recipient=api_user(request))
    if unread:
        notices = notices.filter(read_at__isnull=True)
    return [NoticeOut.of(n) for n in notices[:LIST_LIMIT]]


@router.post("/{int:notice_id}/read", response={200: NoticeOut, **ERRORS}, summary="Mark read")
def mark_read(request: HttpRequest, notice_id: int) -> NoticeOut:
    user = api_user(request)
    notice = access_notice(user, notice_id)
    return NoticeOut.of(actions.do_mark_read(notice, actor=user))


@router.post("/read-all", response={200: ReadAllOut, **ERRORS}, summary="Mark all read")
def mark_all_read(request: HttpRequest) -> ReadAllOut:
    return ReadAllOut(marked=actions.do_mark_all_read(actor=api_user(request)))
