from django.apps import AppConfig


class PricingConfig(AppConfig):
    name = "refectoire.pricing"
    label = "pricing"

    def ready(self):
        # reason: apps.py is imported before the models are loaded; the importer needs them
        from refectoire.households.importer import TARIFFS_HOOK_ORDER, register_hook
        from refectoire.pricing.import_hooks import record_tariffs

        register_hook(record_tariffs, order=TARIFFS_HOOK_ORDER)
