from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "openkap.accounts"
    label = "accounts"
    verbose_name = "Organisation, clinics and staff"

    def ready(self) -> None:
        from openkap.accounts import checks, signals  # noqa: F401
