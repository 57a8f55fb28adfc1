from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "openkap.consent"
    label = "consent"
    verbose_name = "Informed consent"

    def ready(self) -> None:
        # Registers the consent entries of the chart's timeline.
        from openkap.consent import timeline  # noqa: F401
