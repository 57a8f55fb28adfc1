from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "openkap.reports"
    label = "reports"
    verbose_name = "Reports"
