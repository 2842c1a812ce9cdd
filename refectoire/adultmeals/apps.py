from django.apps import AppConfig


class AdultMealsConfig(AppConfig):
    name = "refectoire.adultmeals"
    label = "adultmeals"
    verbose_name = "Restauration adulte"
