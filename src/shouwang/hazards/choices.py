from django.db import models
from django.utils.translation import gettext_lazy as _


class HazardCategory(models.TextChoices):
    FIRE = "fire", _("消防安全")
    PRODUCTION = "production", _("安全生产")
    PUBLIC_ORDER = "public_order", _("治安")
    TRAFFIC = "traffic", _("交通安全")
    ENVIRONMENT = "environment", _("生态环境")
    OTHER = "other", _("其他")


class HazardGrade(models.TextChoices):
    MAJOR = "major", _("重大")
    SIGNIFICANT = "significant", _("较大")
    GENERAL = "general", _("一般")


class HazardSource(models.TextChoices):
    INSPECTION = "inspection", _("日常巡查")
    CAMPAIGN = "campaign", _("集中排查")
    REPORT = "report", _("群众举报")
    IMPORT = "import", _("台账导入")
    OTHER = "other", _("其他")


class PremisesType(models.TextChoices):
    FACTORY = "factory", _("工厂企业")
    SHOP = "shop", _("商铺")
    RESTAURANT = "restaurant", _("餐饮场所")
    ENTERTAINMENT = "entertainment", _("娱乐场所")
    HOTEL = "hotel", _("旅馆")
    RENTAL = "rental", _("出租房屋")
    SCHOOL = "school", _("学校")
    HOSPITAL = "hospital", _("医院")
    CONSTRUCTION = "construction", _("建筑工地")
    WAREHOUSE = "warehouse", _("仓储物流")
    MARKET = "market", _("集贸市场")
    OTHER = "other", _("其他")


class CampaignStatus(models.TextChoices):
    PLANNED = "planned", _("计划中")
    ACTIVE = "active", _("进行中")
    FINISHED = "finished", _("已结束")


class CheckResult(models.TextChoices):
    OK = "ok", _("未发现隐患")
    HAZARDS = "hazards", _("发现隐患")
    CLOSED = "closed", _("停业/无法检查")
