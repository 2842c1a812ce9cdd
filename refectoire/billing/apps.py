from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "refectoire.billing"
    label = "billing"
