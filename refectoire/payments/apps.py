from django.apps import AppConfig

from refectoire.core import reference


class PaymentsConfig(AppConfig):
    name = "refectoire.payments"
    label = "payments"

    def ready(self):
        reference.watch("payments.PayfipSettings")  # core/reference.py: the pages' cache
