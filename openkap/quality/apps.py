from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "openkap.quality"
    label = "quality"
    verbose_name = "Clinic quality self-audit"
