"""Notices tell a person that something needs them now: a dissuasion task with a 15-minute
deadline, a freeze request on a bank's desk, a case escalated to a chief. Each is for one
recipient, read in the platform (the bell in the top bar) and, by the recipient's choice, sent by
SMS or e-mail through a delivery row that a job works off (an outbox: a notice committed with
its cause is sent even if the gateway is down at that moment)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shouwang.notices.choices import Channel, DeliveryState, NoticeKind


class Notice(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name=_("接收人")
    )
    kind = models.CharField(_("类型"), max_length=24, choices=NoticeKind.choices)
    # What the text is built from, in the reader's language when it is shown; never raw
    # personal data (phones are stored masked).
    params = models.JSONField(_("参数"), default=dict)
    url = models.CharField(_("链接"), max_length=300)
    unit = models.ForeignKey(
        "orgs.Unit",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("单位"),
    )
    urgent = models.BooleanField(_("紧急"), default=False)
    # One notice per cause and recipient: a retried job or a re-run scan does not notify twice.
    key = models.CharField(_("来源"), max_length=120)
    # The key's first two parts (``task:7`` of ``task:7:handed``): what settling looks up, by
    # an index, before it matches the key's prefix (a prefix test alone reads every notice).
    cause = models.CharField(_("来源事项"), max_length=120, default="")
    created_at = models.DateTimeField(_("时间"))
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notice_once_per_cause"),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notice_unread"),
            models.Index(
                fields=["cause"], condition=models.Q(read_at__isnull=True), name="notice_unsettled"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient}"


def cause_of(key: str) -> str:
    """``task:7`` of ``task:7`` and ``task:7:handed``: a kind of cause and its id."""
    return ":".join(key.split(":", 2)[:2])


class Delivery(models.Model):
    notice = models.ForeignKey(
        Notice, models.CASCADE, related_name="deliveries", verbose_name=_("通知")
    )
    channel = models.CharField(_("渠道"), max_length=8, choices=Channel.choices)
    address = models.CharField(_("地址"), max_length=200)
    state = models.CharField(
        _("状态"), max_length=8, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试"))
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    text = models.TextField(_("内容"), blank=True)
    reference = models.CharField(_("网关回执"), max_length=200, blank=True)
    error = models.CharField(_("错误"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("通知发送")
        verbose_name_plural = _("通知发送")
        ordering = ["-id"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="delivery_due")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.get_state_display()}"


class Preference(models.Model):
    """How a person wants to be told, beyond the bell. SMS is for urgent notices only."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name=_("用户")
    )
    sms_urgent = models.BooleanField(_("紧急通知发短信"), default=True)
    email_all = models.BooleanField(_("所有通知发邮件"), default=False)

    class Meta:
        verbose_name = _("通知设置")
        verbose_name_plural = _("通知设置")

    def __str__(self) -> str:
        return str(self.user)
