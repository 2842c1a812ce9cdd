"""Tasks billing's services enqueue: the e-mails of invoices and reminders.

They sit below the services (never import them); the run's task is in `billing/jobs.py`.
"""

from django.db.models import Prefetch
from django.utils import timezone
from django_tasks import task

from refectoire.accounts.models import User
from refectoire.billing.models import Invoice
from refectoire.billing.notifications import send_invoices_issued, send_reminder
from refectoire.caisses.models import Caisse
from refectoire.households.models import Guardian, Household


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
def send_reminder_email(caisse_id: int, household_id: int) -> bool:
    caisse = Caisse.objects.get(pk=caisse_id)
    household = Household.objects.get(pk=household_id, caisse=caisse)
    invoices = list(
        Invoice.objects.for_caisse(caisse).past_due(timezone.localdate()).filter(household=household)
    )
    return send_reminder(caisse=caisse, household=household, invoices=invoices)


@task()
def send_adult_reminder_email(caisse_id: int, user_id: int) -> bool:
    """The reminder of an adult (restauration adulte): their unpaid invoices past due, every school."""
    caisse = Caisse.objects.get(pk=caisse_id)
    user = User.objects.get(pk=user_id)
    invoices = list(
        Invoice.objects.for_caisse(caisse)
        .past_due(timezone.localdate())
        .filter(adult_registration__user=user)
        .order_by("number")
    )
    return send_reminder(caisse=caisse, invoices=invoices, recipients=[user.email] if user.email else [])
