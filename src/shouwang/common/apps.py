from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "shouwang.common"
    label = "common"

    def ready(self) -> None:
        from shouwang.common import lookups  # noqa: F401  (registers ``__in_many``)
