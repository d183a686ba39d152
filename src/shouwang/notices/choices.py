from django.db import models
from django.utils.translation import gettext_lazy as _


class NoticeKind(models.TextChoices):
    WARNING_TASK = "warning_task", _("预警劝阻任务")
    WARNING_TASK_HANDED = "warning_task_handed", _("劝阻任务转派")
    PROPOSALS = "proposals", _("封堵建议待审批")
    REQUESTS_NEW = "requests_new", _("新的止付/封停请求")
    REQUEST_LATE = "request_late", _("请求超时未答复")
    CASE_ASSIGNED = "case_assigned", _("交办")
    CASE_OVERDUE = "case_overdue", _("逾期上报")
    INCIDENT_ALERT = "incident_alert", _("警情异常升高")


class Channel(models.TextChoices):
    SMS = "sms", _("短信")
    EMAIL = "email", _("电子邮件")


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")
