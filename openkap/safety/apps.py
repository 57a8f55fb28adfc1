from django.apps import AppConfig


class SafetyConfig(AppConfig):
    name = "openkap.safety"
    label = "safety"
    verbose_name = "Safety: adverse events and long-term monitoring"

    def ready(self) -> None:
        # Registers the adverse events and monitoring results of the chart's timeline.
        from openkap.safety import timeline  # noqa: F401
