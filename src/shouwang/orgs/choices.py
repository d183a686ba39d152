from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    DISTRICT = "district", _("区县")
    STATION = "station", _("派出所")
    COMMUNITY = "community", _("社区")
    GRID = "grid", _("网格")
    CENTRE = "centre", _("中心")


class OrganisationKind(models.TextChoices):
    BANK = "bank", _("银行")
    CARRIER = "carrier", _("运营商")
    PAYMENT = "payment", _("支付机构")
    REGISTRAR = "registrar", _("域名注册商")
    COMPANY = "company", _("企业")
    DEPARTMENT = "department", _("政府部门")


class Role(models.TextChoices):
    GRID_WORKER = "grid_worker", _("网格员")
    STATION_CHIEF = "station_chief", _("所长")
    COMMAND = "command", _("指挥中心")
    FRAUD_ANALYST = "fraud_analyst", _("反诈分析员")
    PARTNER_DESK = "partner_desk", _("合作机构坐席")
    RESPONSIBLE_UNIT = "responsible_unit", _("整改责任单位")
    AUDITOR = "auditor", _("审计员")
    ADMIN = "admin", _("管理员")
