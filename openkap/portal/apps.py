from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "openkap.portal"
    label = "portal"
    verbose_name = "Patient portal"
