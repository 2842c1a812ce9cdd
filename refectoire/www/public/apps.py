from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "refectoire.www.public"
    label = "www_public"
