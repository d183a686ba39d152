from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HazardsConfig(AppConfig):
    name = "shouwang.hazards"
    label = "hazards"
    verbose_name = _("隐患清单")

    def ready(self) -> None:
        from shouwang.hazards import kind  # noqa: F401  registers the case kind
