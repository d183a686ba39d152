from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FraudWarningConfig(AppConfig):
    name = "shouwang.antifraud.warning"
    label = "fraud_warning"
    verbose_name = _("预警劝阻")

    def ready(self) -> None:
        from shouwang.antifraud.warning import personal  # noqa: F401  registers personal fields
