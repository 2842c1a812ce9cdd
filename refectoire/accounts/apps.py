from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "refectoire.accounts"
    label = "accounts"
    verbose_name = "Comptes"
