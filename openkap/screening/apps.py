from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "openkap.screening"
    label = "screening"
    verbose_name = "Intake and screening"
