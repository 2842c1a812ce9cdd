from django.apps import AppConfig


class DirectDebitConfig(AppConfig):
    name = "refectoire.directdebit"
    label = "directdebit"
    verbose_name = "Prélèvement SEPA"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # reason: ready() plugs direct debits into billing and payments once the models are loaded
        from refectoire.directdebit import hooks

        hooks.register()
