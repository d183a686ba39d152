from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FraudTracingConfig(AppConfig):
    name = "shouwang.antifraud.tracing"
    label = "fraud_tracing"
    verbose_name = _("资金追踪")
