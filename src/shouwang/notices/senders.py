"""Where notices leave the platform. SMS goes through a gateway the deployment runs (a carrier's
or a government SMS platform); this machine has none, so the `outbox` sender keeps the message
on the delivery row instead, behind the same interface as the HTTP gateway sender."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail


class SendError(Exception):
    """The gateway refused or could not be reached; the delivery is tried again later."""


class SmsSender(Protocol):
    def send(self, phone: str, text: str) -> str:
        """Send ``text`` to ``phone``; the gateway's message id."""
        ...


class OutboxSms:
    """Sends nothing: the delivery row keeps the text (demo, development, tests)."""

    def send(self, phone: str, text: str) -> str:
        return f"outbox-{uuid.uuid4().hex[:12]}"


class HttpSms:
    """A gateway taking ``POST {"phone": ..., "text": ...}`` with a bearer token and answering
    2xx with ``{"id": ...}``; the common shape of in-house SMS platforms (a thin adapter in front
    of a vendor's API maps to it)."""

    def __init__(self, url: str, token: str, timeout: float = 5.0) -> None:
        self.url, self.token, self.timeout = url, token, timeout

    def send(self, phone: str, text: str) -> str:
        body = json.dumps({"phone": phone, "text": text}, ensure_ascii=False).encode()
        request = urllib.request.Request(  # noqa: S310  the URL is the operator's setting
            self.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Authorization": f"Bearer {self.token}",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:  # noqa: S310
                payload = json.loads(answer.read() or b"{}")
        except urllib.error.HTTPError as exc:
            raise SendError(f"HTTP {exc.code}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise SendError(str(getattr(exc, "reason", exc))[:200]) from None
        except ValueError:
            raise SendError("answer is not JSON") from None
        return str(payload.get("id", "")) if isinstance(payload, dict) else ""


def sms_sender() -> SmsSender | None:
    """The configured sender (`SHOUWANG_SMS_BACKEND`: empty = no SMS, `outbox`, `http`)."""
    backend = settings.SMS_BACKEND
    if backend == "outbox":
        return OutboxSms()
    if backend == "http":
        return HttpSms(settings.SMS_URL, settings.SMS_TOKEN)
    return None


def email_enabled() -> bool:
    return bool(settings.NOTICE_EMAIL)


def send_email(address: str, subject: str, text: str) -> str:
    try:
        send_mail(subject, text, None, [address], fail_silently=False)
    except (OSError, ValueError) as exc:
        raise SendError(str(exc)[:200]) from None
    return ""
