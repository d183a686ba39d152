from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "shouwang.common"
    label = "common"

    def ready(self) -> None:
        from shouwang.common import converters, lookups  # noqa: F401  (``__in_many``)

        converters.register()  # before any URLconf is read
