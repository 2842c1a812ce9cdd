from django.apps import AppConfig


class MenusConfig(AppConfig):
    name = "refectoire.menus"
    label = "menus"
