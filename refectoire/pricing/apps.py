from django.apps import AppConfig

from refectoire.core import reference


class PricingConfig(AppConfig):
    name = "refectoire.pricing"
    label = "pricing"

    def ready(self):
        reference.watch("pricing.TariffGrid", "pricing.TariffBracket")  # core/reference.py: the pages' cache
        # reason: apps.py is imported before the models are loaded; the importer needs them
        from refectoire.households.importer import TARIFFS_HOOK_ORDER, register_hook
        from refectoire.pricing.import_hooks import record_tariffs

        register_hook(record_tariffs, order=TARIFFS_HOOK_ORDER)
