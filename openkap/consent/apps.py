from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "openkap.consent"
    label = "consent"
    verbose_name = "Informed consent"
