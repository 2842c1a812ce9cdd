from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "refectoire.payments"
    label = "payments"
