from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "refectoire.accounts"
    label = "accounts"
    verbose_name = "Comptes"

    def ready(self):
        from refectoire.accounts import signals  # noqa: F401
