"""Tasks the stays' services enqueue (below the services: they never import them)."""

from django_tasks import task

from refectoire.stays.invoicing import stay_invoice_issue
from refectoire.stays.models import StayChoice


@task()
def issue_stay_invoice(choice_id: int) -> int | None:
    """The invoice of a place just confirmed (enqueued on commit of the confirmation)."""
    choice = StayChoice.objects.filter(pk=choice_id).first()
    if choice is None:
        return None
    invoice = stay_invoice_issue(choice=choice)
    return invoice.number if invoice else None
