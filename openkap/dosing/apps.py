from django.apps import AppConfig


class DosingConfig(AppConfig):
    name = "openkap.dosing"
    label = "dosing"
    verbose_name = "Dosing sessions"

    def ready(self) -> None:
        # Registers the dosing-session entries of the chart's timeline.
        from openkap.dosing import timeline  # noqa: F401
