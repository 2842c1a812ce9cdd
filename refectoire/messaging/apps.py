from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "refectoire.messaging"
    label = "messaging"
    verbose_name = "Messages et actualités"
