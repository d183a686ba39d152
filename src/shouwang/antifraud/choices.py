from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class FraudType(models.TextChoices):
    """The national taxonomy of telecom and online fraud (电信网络诈骗类型)."""

    ORDER_BRUSHING = "order_brushing", _("刷单返利")
    INVESTMENT = "investment", _("虚假投资理财")
    LOAN = "loan", _("虚假网络贷款")
    FAKE_SUPPORT = "fake_support", _("冒充电商物流客服")
    FAKE_AUTHORITY = "fake_authority", _("冒充公检法")
    CREDIT = "credit", _("虚假征信")
    GAME_TRADE = "game_trade", _("网络游戏虚假交易")
    ROMANCE = "romance", _("网络婚恋交友")
    FAKE_BOSS = "fake_boss", _("冒充领导熟人")
    FAKE_MILITARY = "fake_military", _("冒充军警购物")
    OTHER = "other", _("其他")


class FraudGrade(models.TextChoices):
    """By the amount lost, as 立案 thresholds grade telecom fraud."""

    HUGE = "huge", _("特别巨大")  # 500,000 yuan and more
    LARGE = "large", _("巨大")  # 30,000 yuan and more
    # 数额较大 is "relatively large" in law, where a hazard's 较大 grade is "significant".
    SIGNIFICANT = "significant", pgettext_lazy("fraud amount", "较大")  # 3,000 yuan and more
    MINOR = "minor", _("一般")


class ReportChannel(models.TextChoices):
    DESK = "desk", _("派出所接报")
    CALL_110 = "call_110", _("110 接警")
    PUBLIC = "public", _("群众网上举报")
    API = "api", _("系统接入")


class IndicatorKind(models.TextChoices):
    PHONE = "phone", _("电话号码")
    BANK_CARD = "bank_card", _("银行卡")
    BANK_ACCOUNT = "bank_account", _("对公账户")
    ALIPAY = "alipay", _("支付宝账户")
    WECHAT_PAY = "wechat_pay", _("微信支付账户")
    DOMAIN = "domain", _("网址")
    APP = "app", _("App")
    SOCIAL = "social", _("社交账号")


# Kinds that receive money: each receiving account gets a stop-payment / freeze request.
ACCOUNT_KINDS = frozenset(
    {
        IndicatorKind.BANK_CARD,
        IndicatorKind.BANK_ACCOUNT,
        IndicatorKind.ALIPAY,
        IndicatorKind.WECHAT_PAY,
    }
)


# The same, as choices for a form's select, in the order of IndicatorKind.
ACCOUNT_KIND_CHOICES = [(k, label) for k, label in IndicatorKind.choices if k in ACCOUNT_KINDS]


class RequestType(models.TextChoices):
    BLOCK_PHONE = "block_phone", _("号码封停")
    BLOCK_DOMAIN = "block_domain", _("网址封堵")
    BLOCK_APP = "block_app", _("App 下架封堵")
    BLOCK_SOCIAL = "block_social", _("社交账号封停")
    FREEZE = "freeze", _("紧急止付冻结")


# What each indicator kind asks of which kind of partner.
REQUEST_FOR_KIND: dict[str, str] = {
    IndicatorKind.PHONE: RequestType.BLOCK_PHONE,
    IndicatorKind.DOMAIN: RequestType.BLOCK_DOMAIN,
    IndicatorKind.APP: RequestType.BLOCK_APP,
    IndicatorKind.SOCIAL: RequestType.BLOCK_SOCIAL,
    IndicatorKind.BANK_CARD: RequestType.FREEZE,
    IndicatorKind.BANK_ACCOUNT: RequestType.FREEZE,
    IndicatorKind.ALIPAY: RequestType.FREEZE,
    IndicatorKind.WECHAT_PAY: RequestType.FREEZE,
}

# Minutes a partner has to answer, by request type; admins change them in the request SLA table.
# A block is meant to be "秒杀"; a stop-payment must land before the money moves on.
DEFAULT_REQUEST_MINUTES: dict[str, int] = {
    RequestType.BLOCK_PHONE: 10,
    RequestType.BLOCK_DOMAIN: 30,
    RequestType.BLOCK_APP: 60,
    RequestType.BLOCK_SOCIAL: 30,
    RequestType.FREEZE: 15,
}
# Minutes between escalation steps once a request is late.
DEFAULT_ESCALATE_EVERY_MINUTES = 30


class RequestSource(models.TextChoices):
    """What asked for the request: a report as registered, a fund trace, an early warning."""

    REPORT = "report", _("报案")
    TRACE = "trace", _("资金追踪")
    WARNING = "warning", _("预警")


class RequestState(models.TextChoices):
    SENT = "sent", _("待处理")
    DONE = "done", _("已完成")
    FAILED = "failed", _("未能办理")
    CANCELLED = "cancelled", _("已撤回")


OPEN_REQUEST_STATES = frozenset({RequestState.SENT})
