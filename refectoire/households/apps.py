from django.apps import AppConfig


class HouseholdsConfig(AppConfig):
    name = "refectoire.households"
    label = "households"
