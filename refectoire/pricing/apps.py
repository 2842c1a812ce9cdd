from django.apps import AppConfig


class PricingConfig(AppConfig):
    name = "refectoire.pricing"
    label = "pricing"
