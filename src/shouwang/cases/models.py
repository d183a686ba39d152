from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shouwang.cases.choices import OPEN_STATES, CaseAction, CaseState, EvidenceStage


class Case(models.Model):
    """Anything that runs the prevention loop: found, registered, graded, assigned, acted on,
    verified and closed. Domains extend it (a hazard *is* a case) and declare their kind in
    `cases.kinds`; the lifecycle itself lives in `cases.actions`.
    """

    kind = models.CharField(_("类别"), max_length=24, db_index=True, editable=False)
    title = models.CharField(_("标题"), max_length=200)
    state = models.CharField(
        _("状态"), max_length=16, choices=CaseState.choices, default=CaseState.REGISTERED
    )
    grade = models.CharField(_("等级"), max_length=16, blank=True)
    unit = models.ForeignKey(
        "orgs.Unit", models.PROTECT, related_name="cases", verbose_name=_("责任辖区")
    )
    assignee_unit = models.ForeignKey(
        "orgs.Unit",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("承办单位"),
    )
    assignee_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("承办人"),
    )
    assignee_org = models.ForeignKey(
        "orgs.Organisation",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("整改责任单位"),
    )
    deadline = models.DateTimeField(_("整改期限"), null=True, blank=True)
    is_overdue = models.BooleanField(_("已逾期"), default=False)
    escalation_level = models.PositiveSmallIntegerField(_("上报层级"), default=0)
    escalated_to = models.ForeignKey(
        "orgs.Unit",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="escalated_cases",
        verbose_name=_("上报至"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("登记人"),
    )
    created_at = models.DateTimeField(_("登记时间"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    graded_at = models.DateTimeField(_("分级时间"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("交办时间"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("交办人"),
    )
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("报送人"),
    )
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("核查人"),
    )
    cancel_reason = models.TextField(_("撤销原因"), blank=True)
    # Derived: the title and the kind's search fields, lower-cased (see cases.kinds.search_text).
    search_text = models.TextField(_("检索文本"), blank=True, editable=False)

    class Meta:
        verbose_name = _("案件")
        verbose_name_plural = _("案件")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["kind", "state", "deadline"], name="case_kind_state_deadline"),
            models.Index(fields=["unit", "state"], name="case_unit_state"),
            models.Index(fields=["kind", "created_at"], name="case_kind_created"),
            models.Index(fields=["assignee_org", "state"], name="case_org_state"),
            # "Open major hazards": a grade with a few states picks a small share of the table.
            models.Index(fields=["grade", "state"], name="case_grade_state"),
            # Supervisors' most used filter; overdue cases are a small share of the table. With
            # the id in it, scoping and counting overdue cases never reads the table itself.
            models.Index(
                fields=["unit", "id"],
                condition=models.Q(is_overdue=True),
                name="case_overdue_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Only actions create cases; this guard keeps the kind from being forgotten.
        assert self.kind, "a case must have a kind"
        self.search_text = self.compute_search_text()
        super().save(*args, **kwargs)

    def compute_search_text(self) -> str:
        from shouwang.cases.kinds import get_kind, search_text

        fields = get_kind(self.kind).search_fields
        return search_text(self.title, *(str(getattr(self, f, "") or "") for f in fields))

    @property
    def reference(self) -> str:
        from shouwang.cases.kinds import get_kind

        return get_kind(self.kind).reference(self.pk)

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class CaseTransition(models.Model):
    """One step in a case's history: who moved it from which state to which, and why."""

    case = models.ForeignKey(
        Case, models.CASCADE, related_name="transitions", verbose_name=_("案件")
    )
    action = models.CharField(_("动作"), max_length=16, choices=CaseAction.choices)
    from_state = models.CharField(_("原状态"), max_length=16, blank=True)
    to_state = models.CharField(_("新状态"), max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    note = models.TextField(_("说明"), blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)
    at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("流转记录")
        verbose_name_plural = _("流转记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action} {self.from_state}->{self.to_state}"


def evidence_path(instance: Evidence, filename: str) -> str:
    # The stored name is the content hash: uploads never collide and the client's file
    # name never reaches the file system.
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"evidence/{instance.sha256[:2]}/{instance.sha256}.{ext}"


class Evidence(models.Model):
    """A photo or PDF attached to a case: the hazard as found, the rectification, the check."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="evidence", verbose_name=_("案件"))
    stage = models.CharField(_("阶段"), max_length=16, choices=EvidenceStage.choices)
    file = models.FileField(_("文件"), upload_to=evidence_path, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=64)
    size = models.PositiveIntegerField(_("大小"))
    sha256 = models.CharField(_("摘要"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("上传人"),
    )
    uploaded_at = models.DateTimeField(_("上传时间"))

    class Meta:
        verbose_name = _("证据")
        verbose_name_plural = _("证据")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class SlaRule(models.Model):
    """How long a case of one kind and grade may stay open once graded (kind x grade -> hours)."""

    kind = models.CharField(_("类别"), max_length=24)
    grade = models.CharField(_("等级"), max_length=16)
    hours = models.PositiveIntegerField(_("时限(小时)"))
    escalate_every_hours = models.PositiveIntegerField(
        _("逾期后每隔多少小时再上报一级"), default=72
    )

    class Meta:
        verbose_name = _("时限规则")
        verbose_name_plural = _("时限规则")
        ordering = ["kind", "grade"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "grade"], name="sla_kind_grade_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind}/{self.grade}: {self.hours}h"
