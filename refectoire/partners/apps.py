from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "refectoire.partners"
    label = "partners"
    verbose_name = "Partenaires (API)"
