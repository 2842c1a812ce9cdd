from django.apps import AppConfig
from django.db.models import Q

from refectoire.billing.enums import RunState
from refectoire.schools.periods import IssueSource, register_issue_source


class BillingConfig(AppConfig):
    name = "refectoire.billing"
    label = "billing"

    def ready(self):
        from refectoire.billing.models import period_is_frozen  # reason: models load after the app registry

        # A billing period (schools) asks billing whether its invoices are issued.
        register_issue_source(
            IssueSource(
                issued=Q(run__state=RunState.ISSUED), issued_at="run__issued_at", is_frozen=period_is_frozen
            )
        )
