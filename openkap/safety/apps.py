from django.apps import AppConfig


class SafetyConfig(AppConfig):
    name = "openkap.safety"
    label = "safety"
    verbose_name = "Safety: adverse events and long-term monitoring"
