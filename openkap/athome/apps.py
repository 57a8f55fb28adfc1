from django.apps import AppConfig


class AthomeConfig(AppConfig):
    name = "openkap.athome"
    label = "athome"
    verbose_name = "At-home programme"
