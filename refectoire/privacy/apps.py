from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "refectoire.privacy"
    label = "privacy"
    verbose_name = "Données personnelles"
