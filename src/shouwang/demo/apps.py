from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "shouwang.demo"
    label = "demo"
