"""Fund tracing's records: how each bank lays out its statements, the statements imported for
a report and their transactions, and the traces run on them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shouwang.antifraud.models import FraudReport, Transfer


class TraceRule(models.TextChoices):
    FIFO = "fifo", _("先进先出")
    HAIRCUT = "haircut", _("按比例")
    POISON = "poison", _("全额污染")
    # Follows the payments out that add up to the payments in (a fee less at most), as an
    # analyst reads a statement: on AMLSim's whole file every cash-out within 1 % of the truth.
    MATCH = "match", _("金额匹配")
    # Spends the account's own money first (lowest intermediate balance): what stays frozen
    # is the most the victim can claim there, and it needs the statements' balances to mean it.
    LOWEST = "lowest", _("最低余额法")


class StatementMapping(models.Model):
    """Where one bank's statement (银行流水) puts each field: the engine's ``ColumnMapping`` as
    JSON, kept per bank because every bank exports its own layout. The centre edits it."""

    organisation = models.OneToOneField(
        "orgs.Organisation",
        models.CASCADE,
        related_name="statement_mapping",
        verbose_name=_("银行"),
    )
    mapping = models.JSONField(_("列对应"))
    updated_at = models.DateTimeField(_("修改时间"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("流水列对应")
        verbose_name_plural = _("流水列对应")

    def __str__(self) -> str:
        return str(self.organisation)


class Statement(models.Model):
    """One bank statement file imported for a report; its rows are ``Transaction`` rows."""

    report = models.ForeignKey(
        FraudReport, models.CASCADE, related_name="statements", verbose_name=_("报案")
    )
    # The report's unit, copied so that scoping needs no join.
    unit = models.ForeignKey("orgs.Unit", models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "orgs.Organisation", models.PROTECT, related_name="+", verbose_name=_("银行")
    )
    filename = models.CharField(_("文件名"), max_length=200)
    row_count = models.PositiveIntegerField(_("交易笔数"))
    imported_at = models.DateTimeField(_("导入时间"))
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    # The bank's layout has a balance column (余额): each row's balance was checked against the
    # previous row's and its amount.
    balance_checked = models.BooleanField(_("已核对余额"), default=False)
    # Where the balance moves more than the rows explain (the engine's ``BalanceBreak``): rows
    # are missing, e.g. a page of the statement. [{"account", "rows": [a, b], "amount"}], the
    # amount positive for money in that no row shows, negative for money out.
    balance_breaks = models.JSONField(_("余额断点"), default=list, blank=True)

    class Meta:
        verbose_name = _("银行流水")
        verbose_name_plural = _("银行流水")
        ordering = ["-imported_at", "-id"]

    def __str__(self) -> str:
        return self.filename

    @property
    def breaks_shown(self) -> list[dict[str, Any]]:
        return [break_shown(b) for b in self.balance_breaks]


def break_shown(saved: dict[str, Any]) -> dict[str, Any]:
    """A saved balance break as the pages word it: the two rows, the amount without its sign
    and whether it is money in (else out) that no row shows."""
    return {
        "account": saved["account"],
        "first": saved["rows"][0],
        "second": saved["rows"][1],
        "amount": abs(saved["amount"]),
        "money_in": saved["amount"] > 0,
    }


class Transaction(models.Model):
    """A transaction the centre holds for a report, from a bank statement: the engine's
    transactions table. ``bank`` is the bank that holds ``to_account``."""

    statement = models.ForeignKey(
        Statement, models.CASCADE, related_name="transactions", verbose_name=_("流水")
    )
    report = models.ForeignKey(FraudReport, models.CASCADE, related_name="+")
    unit = models.ForeignKey("orgs.Unit", models.PROTECT, related_name="+")
    txn_id = models.CharField(_("交易流水号"), max_length=100)
    from_account = models.CharField(_("付款账户"), max_length=64)
    to_account = models.CharField(_("收款账户"), max_length=64)
    amount = models.DecimalField(_("金额(元)"), max_digits=16, decimal_places=2)
    time = models.DateTimeField(_("交易时间"))
    channel = models.CharField(_("渠道"), max_length=32, blank=True)
    bank = models.CharField(_("收款行"), max_length=100, blank=True)
    # The payer's and the payee's balance after the transaction, where a statement with a
    # balance column gives it (its own account's side only).
    from_balance = models.DecimalField(
        _("付款方余额(元)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    to_balance = models.DecimalField(
        _("收款方余额(元)"), max_digits=16, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("交易")
        verbose_name_plural = _("交易")
        indexes = [models.Index(fields=["report", "time"], name="fraud_txn_report_time")]

    def __str__(self) -> str:
        return self.txn_id


class Trace(models.Model):
    """One run of the tracing engine from a report's transfer: its parameters, who ran it and
    when, and the result (flows, holdings, cash-outs) as JSON, so it reads back unchanged even
    after more statements arrive."""

    report = models.ForeignKey(
        FraudReport, models.CASCADE, related_name="traces", verbose_name=_("报案")
    )
    unit = models.ForeignKey("orgs.Unit", models.PROTECT, related_name="+")
    transfer = models.ForeignKey(
        Transfer, models.SET_NULL, null=True, related_name="traces", verbose_name=_("转账记录")
    )
    start_account = models.CharField(_("起点账户"), max_length=64)
    start_amount = models.DecimalField(_("起点金额(元)"), max_digits=14, decimal_places=2)
    start_time = models.DateTimeField(_("起点时间"))
    rule = models.CharField(_("追踪规则"), max_length=8, choices=TraceRule.choices)
    max_hops = models.PositiveSmallIntegerField(_("最大层级"))
    window_hours = models.PositiveIntegerField(_("时间窗口(小时)"))
    # The amount-matching rule's limits; empty under the other rules.
    match_within_hours = models.PositiveIntegerField(_("匹配时限(小时)"), null=True, blank=True)
    match_fee_percent = models.DecimalField(
        _("匹配容差(%)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    match_skips = models.PositiveSmallIntegerField(_("可跳过笔数"), null=True, blank=True)
    transaction_count = models.PositiveIntegerField(_("参与交易笔数"))
    result = models.JSONField(_("追踪结果"))
    # Accounts of the freeze list already sent to their banks from this trace.
    sent_accounts = models.JSONField(_("已发冻结请求的账户"), default=list, blank=True)
    created_at = models.DateTimeField(_("追踪时间"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("资金追踪")
        verbose_name_plural = _("资金追踪")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"ZZ{self.pk or 0:08d}"
