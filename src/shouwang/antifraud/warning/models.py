"""The early-warning loop's records: events as they arrived, rules and their immutable versions
with backtests, the model's scores of numbers, and what evaluation raised — block proposals for
an analyst and dissuasion tasks (劝阻) for the officer of a likely victim's grid."""

from __future__ import annotations

import json

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shouwang.antifraud.choices import FraudType, IndicatorKind
from shouwang.antifraud.warning.choices import (
    EventType,
    Outcome,
    ProposalState,
    Risk,
    TaskState,
)


class WarningEvent(models.Model):
    """One call, SMS, transfer, app install or partner alert, as received (by API or file)."""

    unit = models.ForeignKey(
        "orgs.Unit", models.PROTECT, related_name="+", verbose_name=_("接收单位")
    )
    type = models.CharField(_("类型"), max_length=16, choices=EventType.choices)
    time = models.DateTimeField(_("发生时间"))
    src = models.CharField(_("主叫/付款方"), max_length=64, blank=True)
    dst = models.CharField(_("被叫/收款方"), max_length=64, blank=True)
    # Every field as received, for rules that name fields beyond src and dst.
    data = models.JSONField(_("内容"), default=dict)
    batch = models.CharField(_("批次"), max_length=32)
    received_at = models.DateTimeField(_("接收时间"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("接收人")
    )

    class Meta:
        verbose_name = _("预警事件")
        verbose_name_plural = _("预警事件")
        ordering = ["time", "id"]
        indexes = [models.Index(fields=["time", "id"], name="warning_event_time")]

    def __str__(self) -> str:
        return f"{self.type} {self.time:%Y-%m-%d %H:%M}"


class WarningRule(models.Model):
    """A rule by its stable id within its unit; its content lives in versions, one of which may
    be active. The rule applies to the events its unit's subtree receives: a city centre's rules
    to the city's feeds, not to a neighbouring city's."""

    rule_id = models.CharField(_("规则编号"), max_length=64)
    unit = models.ForeignKey(
        "orgs.Unit", models.PROTECT, related_name="+", verbose_name=_("所属单位")
    )
    active_version = models.ForeignKey(
        "RuleVersion",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("启用版本"),
    )
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        verbose_name = _("预警规则")
        verbose_name_plural = _("预警规则")
        ordering = ["rule_id", "unit"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "rule_id"], name="warning_rule_id_per_unit"),
        ]

    def __str__(self) -> str:
        return self.rule_id

    @property
    def is_active(self) -> bool:
        return self.active_version_id is not None


class CooldownMark(models.Model):
    """A rule's last warning about a subject: where its cooldown starts. Written with the batch
    that raised it, so the next batch needs to replay only the rule's window, not its cooldown,
    and a chain of cooldowns across batches ends exactly where one evaluator's would."""

    rule = models.ForeignKey(WarningRule, models.CASCADE, related_name="+", verbose_name=_("规则"))
    subject = models.CharField(_("对象"), max_length=128)
    at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("冷却起点")
        verbose_name_plural = _("冷却起点")
        constraints = [
            models.UniqueConstraint(fields=["rule", "subject"], name="cooldown_once_per_subject"),
        ]
        indexes = [models.Index(fields=["rule", "at"], name="cooldown_rule_at")]

    def __str__(self) -> str:
        return f"{self.rule} {self.subject}"


class RuleVersion(models.Model):
    """One version of a rule: the JSON definition the engine parses. Never edited: a change is
    a new version, so every warning names exactly the rule text that raised it."""

    rule = models.ForeignKey(
        WarningRule, models.CASCADE, related_name="versions", verbose_name=_("规则")
    )
    version = models.PositiveIntegerField(_("版本"))
    definition = models.JSONField(_("定义"))
    # The fraud type a victim task of this rule is about: it picks the call script.
    fraud_type = models.CharField(
        _("诈骗类型"), max_length=24, choices=FraudType.choices, default=FraudType.OTHER
    )
    created_at = models.DateTimeField(_("创建时间"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("创建人")
    )

    class Meta:
        verbose_name = _("规则版本")
        verbose_name_plural = _("规则版本")
        ordering = ["rule", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "version"], name="rule_version_once"),
        ]

    def __str__(self) -> str:
        return f"{self.rule.rule_id} v{self.version}"

    @property
    def name(self) -> str:
        return str(self.definition.get("name") or self.rule.rule_id)

    @property
    def definition_json(self) -> str:
        """The definition as the editor takes it (JSON, not Python's repr)."""
        return json.dumps(self.definition, ensure_ascii=False, indent=2)

    @property
    def risk(self) -> str:
        return str(self.definition.get("risk") or Risk.MEDIUM)

    @property
    def role(self) -> str:
        return str((self.definition.get("flag") or {}).get("role") or "")


class Backtest(models.Model):
    """What a rule version would have raised on the stored events of a period, and how many of
    those warnings later outcomes confirmed. A version is switched on only after one."""

    version = models.ForeignKey(
        RuleVersion, models.CASCADE, related_name="backtests", verbose_name=_("规则版本")
    )
    since = models.DateTimeField(_("起始时间"))
    until = models.DateTimeField(_("截止时间"))
    events = models.PositiveIntegerField(_("事件数"))
    warnings = models.PositiveIntegerField(_("预警数"))
    subjects = models.PositiveIntegerField(_("涉及对象数"))
    confirmed = models.PositiveIntegerField(_("经核实"))
    false_alarms = models.PositiveIntegerField(_("误报"))
    ran_at = models.DateTimeField(_("回测时间"))
    ran_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("回测人")
    )

    class Meta:
        verbose_name = _("规则回测")
        verbose_name_plural = _("规则回测")
        ordering = ["-ran_at", "-id"]

    def __str__(self) -> str:
        return f"{self.version} {self.ran_at:%Y-%m-%d %H:%M}"

    @property
    def precision(self) -> float | None:
        judged = self.confirmed + self.false_alarms
        return self.confirmed / judged if judged else None


class NumberScore(models.Model):
    """The fraud-number model's score of one number (from `shouwang antifraud score`), with the
    features that pushed it up; rules read it through `score_of`."""

    value = models.CharField(_("号码"), max_length=64)
    model_version = models.CharField(_("模型版本"), max_length=40)
    probability = models.FloatField(_("涉诈概率"))
    flagged = models.BooleanField(_("超过阈值"))
    reasons = models.JSONField(_("评分依据"), default=list)
    scored_at = models.DateTimeField(_("评分时间"))

    class Meta:
        verbose_name = _("号码评分")
        verbose_name_plural = _("号码评分")
        constraints = [models.UniqueConstraint(fields=["value"], name="number_score_once")]

    def __str__(self) -> str:
        return f"{self.value} {self.probability:.3f}"


class BlockProposal(models.Model):
    """A number or account a rule flagged for blocking; an analyst approves (the block request
    goes to the partner desk) or rejects it. Partner desks never see proposals."""

    unit = models.ForeignKey(
        "orgs.Unit", models.PROTECT, related_name="+", verbose_name=_("所属单位")
    )
    kind = models.CharField(_("线索类型"), max_length=16, choices=IndicatorKind.choices)
    value = models.CharField(_("号码/账户"), max_length=64)
    rule_version = models.ForeignKey(
        RuleVersion, models.PROTECT, related_name="proposals", verbose_name=_("规则版本")
    )
    event = models.ForeignKey(
        WarningEvent, models.PROTECT, related_name="+", verbose_name=_("触发事件")
    )
    risk = models.CharField(_("风险"), max_length=8, choices=Risk.choices)
    aggregate = models.FloatField(_("窗口统计值"), null=True, blank=True)
    score = models.FloatField(_("模型评分"), null=True, blank=True)
    model_version = models.CharField(_("模型版本"), max_length=40, blank=True)
    reasons = models.JSONField(_("评分依据"), default=list)
    state = models.CharField(
        _("状态"), max_length=16, choices=ProposalState.choices, default=ProposalState.PENDING
    )
    created_at = models.DateTimeField(_("提出时间"))
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_note = models.CharField(_("审批意见"), max_length=200, blank=True)
    requests = models.ManyToManyField(
        "antifraud.PartnerRequest", blank=True, related_name="+", verbose_name=_("协查请求")
    )

    class Meta:
        verbose_name = _("封停建议")
        verbose_name_plural = _("封停建议")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "created_at"], name="proposal_state_created")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.value}"


class WarningTask(models.Model):
    """A dissuasion task (劝阻): call or visit a person who is likely being defrauded right now,
    before the money goes. Assigned to an officer of the person's grid, with a deadline."""

    unit = models.ForeignKey(
        "orgs.Unit", models.PROTECT, related_name="+", verbose_name=_("责任网格/单位")
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("责任民警"),
    )
    person_phone = models.CharField(_("预警对象电话"), max_length=64)
    person_name = models.CharField(_("预警对象姓名"), max_length=50, blank=True)
    counterpart = models.CharField(_("涉诈号码/账户"), max_length=64, blank=True)
    fraud_type = models.CharField(_("诈骗类型"), max_length=24, choices=FraudType.choices)
    risk = models.CharField(_("风险"), max_length=8, choices=Risk.choices)
    rule_version = models.ForeignKey(
        RuleVersion, models.PROTECT, related_name="tasks", verbose_name=_("规则版本")
    )
    event = models.ForeignKey(
        WarningEvent, models.PROTECT, related_name="+", verbose_name=_("触发事件")
    )
    aggregate = models.FloatField(_("窗口统计值"), null=True, blank=True)
    score = models.FloatField(_("模型评分"), null=True, blank=True)
    model_version = models.CharField(_("模型版本"), max_length=40, blank=True)
    reasons = models.JSONField(_("评分依据"), default=list)
    created_at = models.DateTimeField(_("下发时间"))
    deadline = models.DateTimeField(_("劝阻时限"))
    state = models.CharField(
        _("状态"), max_length=8, choices=TaskState.choices, default=TaskState.OPEN
    )
    outcome = models.CharField(_("劝阻结果"), max_length=16, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("情况说明"), blank=True)
    outcome_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    report = models.ForeignKey(
        "antifraud.FraudReport",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("转报案"),
    )
    # Still open at its deadline: handed to another officer of the station (once).
    escalated_at = models.DateTimeField(_("超时转派时间"), null=True, blank=True)
    reassigned_from = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("原责任民警"),
    )

    class Meta:
        verbose_name = _("劝阻任务")
        verbose_name_plural = _("劝阻任务")
        ordering = ["deadline", "id"]
        indexes = [
            models.Index(fields=["unit", "state", "deadline"], name="warning_task_queue"),
        ]

    def __str__(self) -> str:
        return f"QZ{self.pk or 0:08d}"

    @property
    def reference(self) -> str:
        return str(self)
