"""The anti-fraud centre's records: reports, their indicators and transfers, and the requests
sent to partner desks (banks, carriers, payment companies, registrars)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext, override
from django.utils.translation import gettext_lazy as _

from shouwang.antifraud.choices import (
    FraudType,
    IndicatorKind,
    ReportChannel,
    RequestSource,
    RequestState,
    RequestType,
)
from shouwang.cases.models import Case


def report_title(fraud_type: str, loss_amount: Decimal) -> str:
    """A report's heading, "冒充电商物流客服 损失 3,600.00 元", in the active language."""
    return gettext("%(type)s 损失 %(amount)s 元") % {
        "type": FraudType(fraud_type).label,
        "amount": f"{loss_amount:,.2f}",
    }


class FraudReport(Case):
    """A fraud report (报案) is a case: the centre registers it, acts on it and closes it."""

    fraud_type = models.CharField(_("诈骗类型"), max_length=24, choices=FraudType.choices)
    channel = models.CharField(_("来源"), max_length=16, choices=ReportChannel.choices)
    occurred_at = models.DateTimeField(_("发案时间"))
    loss_amount = models.DecimalField(
        _("损失金额(元)"), default=Decimal(0), max_digits=14, decimal_places=2
    )
    # The public form's receipt: the citizen follows the report with it. Unguessable.
    ack_number = models.CharField(_("受理回执号"), max_length=16, unique=True)
    narrative = models.TextField(_("简要案情"), blank=True)
    victim_name = models.CharField(_("受害人姓名"), max_length=50, blank=True)
    victim_phone = models.CharField(_("受害人电话"), max_length=32, blank=True)
    victim_id_number = models.CharField(_("受害人证件号"), max_length=32, blank=True)
    # A public report waits for the centre to accept it before requests go out, so that an
    # anonymous form cannot freeze a stranger's account.
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    requests_sent_at = models.DateTimeField(_("请求发出时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("诈骗报案")
        verbose_name_plural = _("诈骗报案")
        indexes = [
            models.Index(fields=["fraud_type", "occurred_at"], name="fraud_type_time"),
            models.Index(fields=["channel", "accepted_at"], name="fraud_channel_accepted"),
        ]

    @property
    def display_title(self) -> str:
        """The heading pages show, built in the reader's language when the page renders. The
        stored ``title`` is the same text in the source language, for search (``search_text``)
        and ``str()``; it is never shown as the heading."""
        return report_title(self.fraud_type, self.loss_amount)

    @classmethod
    def stored_title(cls, fraud_type: str, loss_amount: Decimal) -> str:
        """The ``title`` column: always in the source language (zh-Hans), whoever registers the
        report, so that search finds every report by the same words."""
        with override(settings.LANGUAGE_CODE):
            return report_title(fraud_type, loss_amount)[:200]


class Indicator(models.Model):
    """A phone number, account, domain, app or social account named in reports, normalised so
    that the same one written two ways is one row. Confirmed indicators form the blocklist."""

    kind = models.CharField(_("类型"), max_length=16, choices=IndicatorKind.choices)
    value = models.CharField(_("标准值"), max_length=200)
    first_seen = models.DateTimeField(_("首次出现"))
    last_seen = models.DateTimeField(_("最近出现"))
    report_count = models.PositiveIntegerField(_("涉及报案数"), default=0)
    confirmed_at = models.DateTimeField(_("确认涉诈时间"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirm_note = models.CharField(_("确认依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("涉案线索")
        verbose_name_plural = _("涉案线索")
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], name="indicator_kind_value"),
        ]
        indexes = [
            models.Index(
                fields=["kind", "confirmed_at"],
                condition=models.Q(confirmed_at__isnull=False),
                name="indicator_blocklist",
            ),
            # Early warning asks whether an event's values are on the blocklist, kind unknown.
            models.Index(
                fields=["value"],
                condition=models.Q(confirmed_at__isnull=False),
                name="indicator_confirmed_value",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.value}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class ReportIndicator(models.Model):
    """An indicator as one report names it: the text the officer typed, and for accounts the
    institution that holds it."""

    report = models.ForeignKey(
        FraudReport, models.CASCADE, related_name="indicator_links", verbose_name=_("报案")
    )
    indicator = models.ForeignKey(
        Indicator, models.PROTECT, related_name="report_links", verbose_name=_("线索")
    )
    raw = models.CharField(_("原始写法"), max_length=300)
    institution = models.ForeignKey(
        "orgs.Organisation",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("开户机构"),
    )
    institution_name = models.CharField(_("开户机构名称"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("报案线索")
        verbose_name_plural = _("报案线索")
        constraints = [
            models.UniqueConstraint(fields=["report", "indicator"], name="report_indicator_once"),
        ]

    def __str__(self) -> str:
        return self.raw


class Transfer(models.Model):
    """One payment the victim made: from the victim's own account to a receiving account."""

    report = models.ForeignKey(
        FraudReport, models.CASCADE, related_name="transfers", verbose_name=_("报案")
    )
    from_account = models.CharField(_("付款账户"), max_length=64, blank=True)
    from_institution = models.CharField(_("付款机构"), max_length=100, blank=True)
    to_indicator = models.ForeignKey(
        Indicator, models.PROTECT, related_name="transfers_in", verbose_name=_("收款账户")
    )
    amount = models.DecimalField(_("金额(元)"), max_digits=14, decimal_places=2)
    at = models.DateTimeField(_("转账时间"))

    class Meta:
        verbose_name = _("转账记录")
        verbose_name_plural = _("转账记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.amount} {self.at:%Y-%m-%d %H:%M}"


class RequestDeadline(models.Model):
    """Minutes a partner has to answer a request type, and between escalations once late."""

    type = models.CharField(_("请求类型"), max_length=16, choices=RequestType.choices, unique=True)
    minutes = models.PositiveIntegerField(
        _("处理时限(分钟)"), validators=[MinValueValidator(1), MaxValueValidator(7 * 24 * 60)]
    )
    escalate_every_minutes = models.PositiveIntegerField(
        _("逾期后每隔(分钟)上报"), validators=[MinValueValidator(1), MaxValueValidator(7 * 24 * 60)]
    )

    class Meta:
        verbose_name = _("协查时限")
        verbose_name_plural = _("协查时限")
        ordering = ["type"]

    def __str__(self) -> str:
        return f"{self.get_type_display()} {self.minutes}"


class PartnerRequest(models.Model):
    """A block or freeze request to one partner desk, with its deadline and its answer."""

    # Null for a request an early warning proposed before anyone reported a loss.
    report = models.ForeignKey(
        FraudReport,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="requests",
        verbose_name=_("报案"),
    )
    source = models.CharField(
        _("来源"), max_length=16, choices=RequestSource.choices, default=RequestSource.REPORT
    )
    indicator = models.ForeignKey(
        Indicator, models.PROTECT, related_name="requests", verbose_name=_("线索")
    )
    type = models.CharField(_("请求类型"), max_length=16, choices=RequestType.choices)
    # Null when no partner desk serves this indicator: the centre handles it off the system.
    organisation = models.ForeignKey(
        "orgs.Organisation",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="fraud_requests",
        verbose_name=_("协查机构"),
    )
    # The report's unit, copied so that scoping a request list needs no join.
    unit = models.ForeignKey(
        "orgs.Unit", models.PROTECT, related_name="fraud_requests", verbose_name=_("发起单位")
    )
    amount_requested = models.DecimalField(
        _("请求止付金额(元)"), null=True, blank=True, max_digits=14, decimal_places=2
    )
    state = models.CharField(
        _("状态"), max_length=16, choices=RequestState.choices, default=RequestState.SENT
    )
    created_at = models.DateTimeField(_("发出时间"))
    deadline = models.DateTimeField(_("处理时限"))
    is_late = models.BooleanField(_("已超时"), default=False)
    escalation_level = models.PositiveSmallIntegerField(_("上报层级"), default=0)
    escalated_to = models.ForeignKey(
        "orgs.Unit", models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    amount_frozen = models.DecimalField(
        _("冻结金额(元)"), null=True, blank=True, max_digits=14, decimal_places=2
    )
    failure_reason = models.CharField(_("未能办理原因"), max_length=200, blank=True)
    answer_note = models.TextField(_("答复说明"), blank=True)
    # A partner's own reference (its ticket number), for reconciliation.
    partner_reference = models.CharField(_("机构受理编号"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("协查请求")
        verbose_name_plural = _("协查请求")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "state", "deadline"], name="request_desk_queue"),
            models.Index(fields=["state", "deadline"], name="request_state_deadline"),
            models.Index(fields=["unit", "created_at"], name="request_unit_created"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.get_type_display()}"

    @property
    def reference(self) -> str:
        return f"XC{self.pk or 0:08d}"

    @property
    def is_open(self) -> bool:
        return self.state == RequestState.SENT
