from django.apps import AppConfig


class PricingConfig(AppConfig):
    name = "refectoire.pricing"
    label = "pricing"

    def ready(self):
        from refectoire.households.importer import register_hook
        from refectoire.pricing.import_hooks import record_tariffs

        register_hook(record_tariffs)
