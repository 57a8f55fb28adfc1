from django.apps import AppConfig


class IntegrationConfig(AppConfig):
    name = "openkap.integration"
    label = "integration"
    verbose_name = "Integration sessions"

    def ready(self) -> None:
        # Registers the integration notes on the chart's timeline (never the psychotherapy notes).
        from openkap.integration import timeline  # noqa: F401
