from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "openkap.demo"
    label = "demo"
    verbose_name = "Demo clinic (synthetic people only)"
