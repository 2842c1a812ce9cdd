from django.apps import AppConfig

from refectoire.core import reference


class DirectDebitConfig(AppConfig):
    name = "refectoire.directdebit"
    label = "directdebit"
    verbose_name = "Prélèvement SEPA"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        reference.watch("directdebit.SepaSettings")  # core/reference.py: the pages' cache
        # reason: ready() plugs direct debits into billing and payments once the models are loaded
        from refectoire.directdebit import hooks

        hooks.register()
