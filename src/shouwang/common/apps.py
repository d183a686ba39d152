from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "shouwang.common"
    label = "common"

    def ready(self) -> None:
        from shouwang.common import lookups, related_lookups  # noqa: F401  (``__in_many``)

        related_lookups.register()
