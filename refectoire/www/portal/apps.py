from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "refectoire.www.portal"
    label = "www_portal"
