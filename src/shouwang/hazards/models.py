from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shouwang.cases.models import Case
from shouwang.hazards.choices import (
    CampaignStatus,
    CheckResult,
    HazardCategory,
    HazardSource,
    PremisesType,
)


class Premises(models.Model):
    """A place that gets inspected: a factory, a shop, a rental house, a construction site."""

    name = models.CharField(_("名称"), max_length=200)
    type = models.CharField(_("场所类型"), max_length=16, choices=PremisesType.choices)
    unit = models.ForeignKey(
        "orgs.Unit", models.PROTECT, related_name="premises", verbose_name=_("所在网格")
    )
    organisation = models.ForeignKey(
        "orgs.Organisation",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="premises",
        verbose_name=_("经营单位"),
    )
    address = models.CharField(_("地址"), max_length=300, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    lon = models.FloatField(_("经度"), null=True, blank=True)

    class Meta:
        verbose_name = _("场所")
        verbose_name_plural = _("场所")
        ordering = ["name"]
        indexes = [models.Index(fields=["unit", "type"], name="premises_unit_type")]

    def __str__(self) -> str:
        return self.name


class Campaign(models.Model):
    """An inspection campaign (集中排查统一行动): units, premises types and dates in scope."""

    name = models.CharField(_("行动名称"), max_length=200)
    unit = models.ForeignKey(
        "orgs.Unit", models.PROTECT, related_name="campaigns", verbose_name=_("组织单位")
    )
    scope_units = models.ManyToManyField("orgs.Unit", related_name="+", verbose_name=_("排查范围"))
    premises_types = models.JSONField(_("场所类型"), default=list)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    description = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("排查行动")
        verbose_name_plural = _("排查行动")
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.name

    @property
    def status(self) -> CampaignStatus:
        """Planned, active or finished, from the dates: never stale."""
        today = timezone.localdate()
        if self.starts_on > today:
            return CampaignStatus.PLANNED
        if self.ends_on < today:
            return CampaignStatus.FINISHED
        return CampaignStatus.ACTIVE

    def get_status_display(self) -> str:
        return str(self.status.label)


class CampaignCheck(models.Model):
    """One premises checked during a campaign, and what was found."""

    campaign = models.ForeignKey(
        Campaign, models.CASCADE, related_name="checks", verbose_name=_("排查行动")
    )
    premises = models.ForeignKey(
        Premises, models.PROTECT, related_name="checks", verbose_name=_("场所")
    )
    result = models.CharField(_("检查结果"), max_length=16, choices=CheckResult.choices)
    note = models.TextField(_("备注"), blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("检查人")
    )
    checked_at = models.DateTimeField(_("检查时间"))

    class Meta:
        verbose_name = _("检查记录")
        verbose_name_plural = _("检查记录")
        ordering = ["-checked_at"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "premises"], name="campaign_check_once")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.premises_id}"


class Hazard(Case):
    """A risk or hazard (风险隐患) on the register: found, graded, assigned for rectification,
    verified and struck off (发现一条登记一条,化解一条销号一条)."""

    category = models.CharField(_("隐患类别"), max_length=16, choices=HazardCategory.choices)
    description = models.TextField(_("隐患描述"))
    source = models.CharField(
        _("发现渠道"), max_length=16, choices=HazardSource.choices, default=HazardSource.INSPECTION
    )
    found_at = models.DateTimeField(_("发现时间"))
    address = models.CharField(_("地址"), max_length=300, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    lon = models.FloatField(_("经度"), null=True, blank=True)
    h3_cell = models.CharField(_("H3 网格"), max_length=16, blank=True, db_index=True)
    premises = models.ForeignKey(
        Premises,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="hazards",
        verbose_name=_("场所"),
    )
    campaign = models.ForeignKey(
        Campaign,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="hazards",
        verbose_name=_("排查行动"),
    )
    responsible_name = models.CharField(_("责任方"), max_length=200, blank=True)
    responsible_contact = models.CharField(_("责任人"), max_length=50, blank=True)
    responsible_phone = models.CharField(_("责任人电话"), max_length=32, blank=True)
    requirement = models.TextField(_("整改要求"), blank=True)
    ledger_ref = models.CharField(_("原台账编号"), max_length=64, blank=True, db_index=True)

    class Meta:
        verbose_name = _("隐患")
        verbose_name_plural = _("隐患")
        indexes = [
            models.Index(fields=["category", "found_at"], name="hazard_category_found"),
            models.Index(fields=["found_at"], name="hazard_found"),
            # Lets a category filter join its cases from the index alone (counting
            # "fire and overdue" city-wide: 43 ms -> 14 ms at 200,000 hazards).
            models.Index(fields=["category", "case_ptr"], name="hazard_category_case"),
        ]
