from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AntifraudConfig(AppConfig):
    name = "shouwang.antifraud"
    label = "antifraud"
    verbose_name = _("反诈中心")

    def ready(self) -> None:
        from shouwang.antifraud import kind, personal  # noqa: F401  registers kind and fields
