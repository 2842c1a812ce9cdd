from django.apps import AppConfig

from refectoire.billing.sources import register_invoice_source


class AdultMealsConfig(AppConfig):
    name = "refectoire.adultmeals"
    label = "adultmeals"
    verbose_name = "Restauration adulte"

    def ready(self):
        # reason: invoicing imports models, which Django loads only after every AppConfig
        from refectoire.adultmeals.invoicing import ADULT_MEALS_SOURCE, ORDER

        register_invoice_source(ADULT_MEALS_SOURCE, order=ORDER)
