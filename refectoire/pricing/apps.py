from django.apps import AppConfig


class PricingConfig(AppConfig):
    name = "refectoire.pricing"
    label = "pricing"

    def ready(self):
        # reason: the hooks import models, importable only once the app registry is ready
        from refectoire.households.importer import register_hook
        from refectoire.pricing.import_hooks import record_tariffs

        register_hook(record_tariffs)
