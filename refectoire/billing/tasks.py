"""Tasks billing's services enqueue: the e-mails of invoices and reminders.

They sit below the services (never import them); the run's task is in `billing/jobs.py`.
"""

from django.db.models import Prefetch
from django.utils import timezone
from django_tasks import task

from refectoire.billing.models import Invoice
from refectoire.billing.notifications import send_invoices_issued, send_reminders
from refectoire.caisses.models import Caisse
from refectoire.households.models import Guardian


@task()
def send_invoice_emails(invoice_ids: list[int]) -> int:
    """The e-mails of these issued invoices, built in bulk: a handful of queries whatever their number."""
    invoices = (
        Invoice.objects.filter(pk__any=invoice_ids)
        .select_related("caisse", "household", "adult_registration__user")
        .prefetch_related(Prefetch("household__guardians", queryset=Guardian.objects.select_related("user")))
    )
    return send_invoices_issued(invoices)


@task()
def send_reminder_emails(caisse_id: int, household_ids: list[int], user_ids: list[int]) -> int:
    """The reminders of these households and adults (restauration adulte) of the Caisse: their unpaid
    invoices past due, built in bulk and sent together; how many were sent."""
    caisse = Caisse.objects.get(pk=caisse_id)
    return send_reminders(
        caisse=caisse, household_ids=household_ids, user_ids=user_ids, today=timezone.localdate()
    )


# The tasks of one reminder each, as queued before `send_reminder_emails`: a queue left from then
# still delivers them.


@task()
def send_reminder_email(caisse_id: int, household_id: int) -> bool:
    return send_reminder_emails.call(caisse_id, [household_id], []) == 1


@task()
def send_adult_reminder_email(caisse_id: int, user_id: int) -> bool:
    return send_reminder_emails.call(caisse_id, [], [user_id]) == 1
