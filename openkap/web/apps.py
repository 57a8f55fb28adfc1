from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "openkap.web"
    label = "web"
    verbose_name = "Pages and navigation"
