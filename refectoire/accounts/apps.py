from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "refectoire.accounts"
    label = "accounts"
    verbose_name = "Comptes"

    def ready(self):
        # reason: signals import models, importable only once the app registry is ready
        from refectoire.accounts import signals  # noqa: F401
