from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "shouwang.common"
    label = "common"

    def ready(self) -> None:
        from shouwang.common import converters, lookups, related_lookups  # noqa: F401

        converters.register()  # before any URLconf is read
        related_lookups.register()
