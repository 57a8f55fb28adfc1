from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "openkap.billing"
    label = "billing"
    verbose_name = "Costs: prices, payers, coverage and estimates"
