from django.apps import AppConfig


class RemsConfig(AppConfig):
    name = "openkap.rems"
    label = "rems"
    verbose_name = "Esketamine REMS"
