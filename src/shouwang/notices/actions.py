"""Writing notices (inside the cause's transaction), reading them, and sending their SMS and
e-mail deliveries (a job: `send_notices`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from shouwang.audit.log import record
from shouwang.common.errors import NotPermitted
from shouwang.notices.choices import Channel, DeliveryState
from shouwang.notices.models import Delivery, Notice, Preference, cause_of
from shouwang.notices.senders import SendError, email_enabled, send_email, sms_sender
from shouwang.notices.texts import text_of

if TYPE_CHECKING:
    from shouwang.orgs.models import Unit, User

MAX_ATTEMPTS = 5
BATCH = 200


def preference_of(user: User) -> Preference:
    return Preference.objects.filter(user=user).first() or Preference(user=user)


@dataclass(frozen=True)
class Message:
    """One notice to one person; ``key`` names its cause, so it is written once."""

    recipient: User
    kind: str
    params: dict[str, Any]
    url: str
    key: str
    unit: Unit | None = None
    urgent: bool = False


def do_notify(
    recipients: Iterable[User],
    *,
    kind: str,
    params: dict[str, Any],
    url: str,
    key: str,
    unit: Unit | None = None,
    urgent: bool = False,
) -> list[Notice]:
    """The same notice to each of ``recipients``."""
    return do_notify_many([Message(u, kind, params, url, key, unit, urgent) for u in recipients])


def do_notify_many(messages: list[Message]) -> list[Notice]:
    """Write the notices and their deliveries inside the caller's transaction, so they commit
    with their cause or not at all, in a fixed handful of statements however many there are
    (report intake counts its statements). A cause already notified (a re-run scan) is
    skipped; should two writers still collide, the savepoint drops the notices and keeps the
    cause."""
    wanted: dict[tuple[int, str], Message] = {}
    for m in messages:
        if m.recipient.is_active:
            wanted.setdefault((m.recipient.pk, m.key[:120]), m)
    if not wanted:
        return []
    keys = {key for _pk, key in wanted}
    done = set(
        Notice.objects.filter(
            recipient_id__in={pk for pk, _key in wanted}, key__in=keys
        ).values_list("recipient_id", "key")
    )
    now = timezone.now()
    fresh = [(k, m) for k, m in wanted.items() if k not in done]
    if not fresh:
        return []
    rows = [
        Notice(
            recipient=m.recipient,
            kind=m.kind,
            params=m.params,
            url=m.url[:300],
            unit=m.unit,
            urgent=m.urgent,
            key=key,
            cause=cause_of(key),
            created_at=now,
        )
        for (_pk, key), m in fresh
    ]
    try:
        with transaction.atomic():
            created = Notice.objects.bulk_create(rows)
    except IntegrityError:
        return []
    if created and created[0].pk is None:  # no RETURNING: read them back
        by_key = {
            (n.recipient_id, n.key): n for n in Notice.objects.filter(created_at=now, key__in=keys)
        }
        created = [by_key[(n.recipient_id, n.key)] for n in rows]
    _deliveries(created, now)
    return created


def _deliveries(notices: list[Notice], now: datetime) -> None:
    sms = sms_sender() is not None
    mail = email_enabled()
    if not (sms or mail):
        return
    prefs = {
        p.user_id: p
        for p in Preference.objects.filter(user_id__in={n.recipient_id for n in notices})
    }
    rows: list[Delivery] = []
    for notice in notices:
        user = notice.recipient
        pref = prefs.get(user.pk) or Preference(user=user)
        if sms and notice.urgent and pref.sms_urgent and user.phone:
            rows.append(
                Delivery(
                    notice=notice, channel=Channel.SMS, address=user.phone, next_attempt_at=now
                )
            )
        if mail and pref.email_all and user.email:
            rows.append(
                Delivery(
                    notice=notice, channel=Channel.EMAIL, address=user.email, next_attempt_at=now
                )
            )
    if rows:
        Delivery.objects.bulk_create(rows)
        transaction.on_commit(_enqueue_send)


def _enqueue_send() -> None:
    from shouwang.notices.jobs import send_notices

    send_notices.enqueue()


def unread_counts(user: User) -> tuple[int, int]:
    """(unread, of which urgent)."""
    counts = Notice.objects.filter(recipient=user, read_at__isnull=True).aggregate(
        unread=Count("pk"), urgent=Count("pk", filter=Q(urgent=True))
    )
    return counts["unread"], counts["urgent"]


def do_mark_read(notice: Notice, *, actor: User) -> Notice:
    if notice.recipient_id != actor.pk:
        raise NotPermitted("notice")
    if notice.read_at is None:
        notice.read_at = timezone.now()
        Notice.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=notice.read_at)
    return notice


def do_settle(cause: str) -> int:
    """The cause is dealt with (a task's outcome recorded, a request answered, a case closed):
    its notices are read for everyone, so the bell counts only what still needs someone.
    ``cause`` is a notice key; the keys that extend it (``request:7:late:1`` for
    ``request:7``) go with it."""
    return (
        Notice.objects.filter(cause=cause_of(cause), read_at__isnull=True)
        .filter(Q(key=cause) | Q(key__startswith=f"{cause}:"))
        .update(read_at=timezone.now())
    )


def do_mark_all_read(*, actor: User) -> int:
    return Notice.objects.filter(recipient=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def do_set_preference(*, sms_urgent: bool, email_all: bool, actor: User) -> Preference:
    if not actor.is_authenticated:
        raise NotPermitted("notice")
    prefs, _created = Preference.objects.update_or_create(
        user=actor, defaults={"sms_urgent": sms_urgent, "email_all": email_all}
    )
    record(
        actor,
        "notice.preference",
        prefs,
        detail={"sms_urgent": sms_urgent, "email_all": email_all},
    )
    return prefs


def message_of(notice: Notice) -> str:
    """The text that leaves the platform: in the platform's language, with the link."""
    with translation.override(settings.LANGUAGE_CODE):
        text = f"{_('【守望】')}{text_of(notice.kind, notice.params)}"
    if settings.SITE_URL:
        text += f" {settings.SITE_URL.rstrip('/')}{notice.url}"
    return text


def _backoff(attempts: int) -> timedelta:
    return timedelta(minutes=2 ** max(attempts - 1, 0))


def do_send_due(now: datetime | None = None) -> int:
    """Send the deliveries that are due; each is claimed by a conditional UPDATE (two workers
    never send one twice), tried up to MAX_ATTEMPTS times with growing pauses, then marked
    failed for an administrator to see. Returns the number sent."""
    now = now or timezone.now()
    sms = sms_sender()
    sent = 0
    due = list(
        Delivery.objects.filter(state=DeliveryState.PENDING, next_attempt_at__lte=now)
        .select_related("notice")
        .order_by("next_attempt_at", "pk")[:BATCH]
    )
    for delivery in due:
        attempts = delivery.attempts + 1
        claimed = Delivery.objects.filter(
            pk=delivery.pk, state=DeliveryState.PENDING, attempts=delivery.attempts
        ).update(attempts=F("attempts") + 1, next_attempt_at=now + _backoff(attempts))
        if claimed != 1:
            continue
        text = message_of(delivery.notice)
        try:
            if delivery.channel == Channel.SMS:
                if sms is None:
                    raise SendError("no SMS gateway is configured")
                reference = sms.send(delivery.address, text)
            else:
                with translation.override(settings.LANGUAGE_CODE):
                    subject = _("守望通知")
                reference = send_email(delivery.address, subject, text)
        except SendError as exc:
            state = DeliveryState.FAILED if attempts >= MAX_ATTEMPTS else DeliveryState.PENDING
            Delivery.objects.filter(pk=delivery.pk).update(
                state=state, error=str(exc)[:500], text=text
            )
            continue
        Delivery.objects.filter(pk=delivery.pk).update(
            state=DeliveryState.SENT, sent_at=now, reference=reference[:200], error="", text=text
        )
        sent += 1
    return sent
