from django.db import models
from django.utils.translation import gettext_lazy as _


class EventType(models.TextChoices):
    """The engine's event types (engines.scoring.rules.EVENT_TYPES), with labels."""

    CALL = "call", _("通话")
    SMS = "sms", _("短信")
    TRANSFER = "transfer", _("转账")
    APP_INSTALL = "app_install", _("安装 App")
    ALERT = "alert", _("机构预警")


class Risk(models.TextChoices):
    HIGH = "high", _("高")
    MEDIUM = "medium", _("中")
    LOW = "low", _("低")


# Minutes an officer has to reach a likely victim, by risk: money moves within the hour.
TASK_MINUTES: dict[str, int] = {Risk.HIGH: 15, Risk.MEDIUM: 60, Risk.LOW: 240}


class ProposalState(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")


class TaskState(models.TextChoices):
    OPEN = "open", _("待劝阻")
    DONE = "done", _("已反馈")


class Outcome(models.TextChoices):
    DISSUADED = "dissuaded", _("劝阻成功")
    LOST = "lost", _("已被骗")
    UNREACHABLE = "unreachable", _("无法联系")
    FALSE_ALARM = "false_alarm", _("误报")


# What an outcome says about the warning: the person was indeed being defrauded (True), was
# not (False), or nobody knows (None). Precision counts only the judged ones.
OUTCOME_CONFIRMS: dict[str, bool | None] = {
    Outcome.DISSUADED: True,
    Outcome.LOST: True,
    Outcome.UNREACHABLE: None,
    Outcome.FALSE_ALARM: False,
}
