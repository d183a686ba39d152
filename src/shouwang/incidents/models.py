from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shouwang.incidents.categories import category_label
from shouwang.incidents.choices import DutyLevel, EventKind, IncidentSource


class IncidentCategory(models.Model):
    """A node of the 警情 category tree: 刑事 > 入室盗窃. A filter on a category takes its subtree
    through `path`, one prefix match like the unit tree's."""

    code = models.CharField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("上级类别"),
    )
    path = models.CharField(_("路径"), max_length=200, unique=True, editable=False)

    class Meta:
        verbose_name = _("警情类别")
        verbose_name_plural = _("警情类别")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        prefix = self.parent.path if self.parent else "/"
        self.path = f"{prefix}{self.code}/"
        super().save(*args, **kwargs)

    @property
    def label(self) -> str:
        """The name to show: translated for a shipped category, as entered for a city's own."""
        return category_label(self.code, self.name)

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2


class Incident(models.Model):
    """A call for service or a recorded crime (警情): when, what, where, and whose jurisdiction.

    The coordinates as received (`raw_x`, `raw_y`, `raw_crs`) are kept next to the WGS-84
    point they were converted to, so a wrong mapping can be found and corrected later.
    """

    occurred_at = models.DateTimeField(_("发生时间"))
    category = models.ForeignKey(
        IncidentCategory, models.PROTECT, related_name="incidents", verbose_name=_("类别")
    )
    lat = models.FloatField(_("纬度"))
    lon = models.FloatField(_("经度"))
    h3_cell = models.CharField(_("H3 网格"), max_length=16, db_index=True)
    address = models.CharField(_("地址"), max_length=300, blank=True)
    unit = models.ForeignKey(
        "orgs.Unit", models.PROTECT, related_name="incidents", verbose_name=_("所属单位")
    )
    source = models.CharField(
        _("来源"), max_length=16, choices=IncidentSource.choices, default=IncidentSource.CALL
    )
    # The system the row came from (a mapping's name): external ids are unique within it.
    source_system = models.CharField(_("来源系统"), max_length=100, blank=True)
    external_id = models.CharField(_("外部编号"), max_length=64, blank=True)
    raw_x = models.FloatField(_("原始 X"), null=True, blank=True)
    raw_y = models.FloatField(_("原始 Y"), null=True, blank=True)
    raw_crs = models.CharField(_("原始坐标系"), max_length=32, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("录入时间"), default=timezone.now)

    class Meta:
        verbose_name = _("警情")
        verbose_name_plural = _("警情")
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            models.Index(fields=["occurred_at"], name="incident_occurred"),
            models.Index(fields=["category", "occurred_at"], name="incident_category_time"),
            models.Index(fields=["unit", "occurred_at"], name="incident_unit_time"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source_system", "external_id"],
                condition=~Q(external_id=""),
                name="incident_external_id_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.category.name} {timezone.localtime(self.occurred_at):%Y-%m-%d %H:%M}"


class ImportMapping(models.Model):
    """How one source's spreadsheet maps onto incidents: which column holds what, how its
    category values map onto the tree, and the coordinate system of its x/y columns."""

    name = models.CharField(_("名称"), max_length=100)
    unit = models.ForeignKey(
        "orgs.Unit", models.PROTECT, related_name="incident_mappings", verbose_name=_("所属单位")
    )
    source = models.CharField(
        _("来源"), max_length=16, choices=IncidentSource.choices, default=IncidentSource.CALL
    )
    time_column = models.CharField(_("时间列"), max_length=100)
    time_format = models.CharField(_("时间格式"), max_length=50, blank=True)
    category_column = models.CharField(_("类别列"), max_length=100)
    # {"value in the file": "category code"}; a value equal to a category's name or code
    # needs no entry.
    category_values = models.JSONField(_("类别对照"), default=dict, blank=True)
    x_column = models.CharField(_("X/经度列"), max_length=100)
    y_column = models.CharField(_("Y/纬度列"), max_length=100)
    crs = models.CharField(_("坐标系"), max_length=32, default="EPSG:4326")
    address_column = models.CharField(_("地址列"), max_length=100, blank=True)
    unit_column = models.CharField(_("单位列"), max_length=100, blank=True)
    external_id_column = models.CharField(_("编号列"), max_length=100, blank=True)
    # Two rows of one category this close in time and place are one incident entered twice;
    # 0 minutes turns the check off (e.g. for sources that record only the date).
    duplicate_minutes = models.PositiveIntegerField(_("重复判定时间(分钟)"), default=10)
    duplicate_metres = models.PositiveIntegerField(_("重复判定距离(米)"), default=50)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)

    class Meta:
        verbose_name = _("导入映射")
        verbose_name_plural = _("导入映射")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="incident_mapping_name_once")
        ]

    def __str__(self) -> str:
        return self.name


class ScheduledEvent(models.Model):
    """A planned event that raises the duty level of the units around it (大型活动、节假日)."""

    name = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("类型"), max_length=16, choices=EventKind.choices)
    unit = models.ForeignKey(
        "orgs.Unit", models.PROTECT, related_name="scheduled_events", verbose_name=_("所在单位")
    )
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    expected_crowd = models.PositiveIntegerField(_("预计人数"), default=0)
    note = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("重大活动")
        verbose_name_plural = _("重大活动")
        ordering = ["starts_on", "pk"]

    def __str__(self) -> str:
        return self.name


class DutyDecision(models.Model):
    """A commander's decision on one unit's duty level for one day: the recommendation as it
    stood (level and reasons), and the level chosen. Later decisions supersede earlier ones;
    all are kept as the history."""

    unit = models.ForeignKey(
        "orgs.Unit", models.PROTECT, related_name="duty_decisions", verbose_name=_("单位")
    )
    day = models.DateField(_("日期"))
    recommended_level = models.CharField(_("建议等级"), max_length=1, choices=DutyLevel.choices)
    reasons = models.JSONField(_("建议依据"), default=list)
    level = models.CharField(_("决定等级"), max_length=1, choices=DutyLevel.choices)
    accepted = models.BooleanField(_("采纳建议"))
    reason = models.TextField(_("调整理由"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("决定人")
    )
    decided_at = models.DateTimeField(_("决定时间"), default=timezone.now)

    class Meta:
        verbose_name = _("勤务等级决定")
        verbose_name_plural = _("勤务等级决定")
        ordering = ["-day", "-decided_at", "-pk"]
        indexes = [models.Index(fields=["unit", "day"], name="duty_unit_day")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day} {self.level}"
