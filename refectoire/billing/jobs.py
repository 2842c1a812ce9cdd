"""Tasks that run a use case of billing (above the services, which never enqueue them)."""

from django_tasks import task

from refectoire.billing.services import billing_run_compute
from refectoire.caisses.models import Caisse
from refectoire.schools.models import BillingPeriod


@task()
def billing_run_task(caisse_id: int, period_id: int) -> str:
    caisse = Caisse.objects.get(pk=caisse_id)
    period = BillingPeriod.objects.get(pk=period_id, caisse=caisse)
    run = billing_run_compute(caisse=caisse, period=period)
    return run.state
