from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "openkap.plans"
    label = "plans"
    verbose_name = "Treatment plans and schedule"

    def ready(self) -> None:
        # Registers the plan and appointment entries of the chart's timeline.
        from openkap.plans import timeline  # noqa: F401
