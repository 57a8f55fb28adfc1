from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "openkap.screening"
    label = "screening"
    verbose_name = "Intake and screening"

    def ready(self) -> None:
        # Registers the screening entries of the chart's timeline.
        from openkap.screening import timeline  # noqa: F401
