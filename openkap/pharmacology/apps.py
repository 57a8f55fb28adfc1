from django.apps import AppConfig


class PharmacologyConfig(AppConfig):
    name = "openkap.pharmacology"
    label = "pharmacology"
    verbose_name = "Pharmacology"
