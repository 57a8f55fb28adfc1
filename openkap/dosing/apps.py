from django.apps import AppConfig


class DosingConfig(AppConfig):
    name = "openkap.dosing"
    label = "dosing"
    verbose_name = "Dosing sessions"
