from django.apps import AppConfig


class PricingConfig(AppConfig):
    name = "refectoire.pricing"
    label = "pricing"

    def ready(self):
        from refectoire.households.importer import TARIFFS_HOOK_ORDER, register_hook  # reason: reads models, loaded after apps.py
        from refectoire.pricing.import_hooks import record_tariffs  # reason: reads models, loaded after apps.py

        register_hook(record_tariffs, order=TARIFFS_HOOK_ORDER)
