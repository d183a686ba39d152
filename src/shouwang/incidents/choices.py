from django.db import models
from django.utils.translation import gettext_lazy as _


class IncidentSource(models.TextChoices):
    CALL = "call", _("110 接警")
    CASE = "case", _("立案")
    PATROL = "patrol", _("巡逻发现")
    IMPORT = "import", _("导入")
    OTHER = "other", _("其他")


class DutyLevel(models.TextChoices):
    """等级化勤务: 一级 is the highest state of readiness, 三级 the everyday one."""

    LEVEL_1 = "1", _("一级勤务")
    LEVEL_2 = "2", _("二级勤务")
    LEVEL_3 = "3", _("三级勤务")


class EventKind(models.TextChoices):
    LARGE_EVENT = "large_event", _("大型活动")
    HOLIDAY = "holiday", _("节假日")
    MEETING = "meeting", _("重要会议")
    SPORTS = "sports", _("体育赛事")
    OTHER = "other", _("其他")


class Period(models.TextChoices):
    WEEK = "week", _("周")
    MONTH = "month", _("月")
