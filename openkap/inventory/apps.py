from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "openkap.inventory"
    label = "inventory"
    verbose_name = "Controlled-substance ledger"
