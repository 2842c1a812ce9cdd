from django.utils import timezone
from django_tasks import task


@task()
def send_invoice_emails(invoice_ids: list[int]) -> int:
    from refectoire.billing.models import Invoice
    from refectoire.billing.notifications import send_invoice_issued

    sent = 0
    for invoice in Invoice.objects.filter(pk__in=invoice_ids).select_related(
        "caisse", "household", "adult_registration__user"
    ):
        sent += send_invoice_issued(invoice)
    return sent


@task()
def send_reminder_email(caisse_id: int, household_id: int) -> bool:
    from refectoire.billing.models import Invoice
    from refectoire.billing.notifications import send_reminder
    from refectoire.caisses.models import Caisse
    from refectoire.households.models import Household

    caisse = Caisse.objects.get(pk=caisse_id)
    household = Household.objects.get(pk=household_id, caisse=caisse)
    invoices = list(
        Invoice.objects.for_caisse(caisse).past_due(timezone.localdate()).filter(household=household)
    )
    return send_reminder(caisse=caisse, household=household, invoices=invoices)


@task()
def send_adult_reminder_email(caisse_id: int, user_id: int) -> bool:
    """The reminder of an adult (restauration adulte): their unpaid invoices past due, every school."""
    from refectoire.accounts.models import User
    from refectoire.billing.models import Invoice
    from refectoire.billing.notifications import send_reminder
    from refectoire.caisses.models import Caisse

    caisse = Caisse.objects.get(pk=caisse_id)
    user = User.objects.get(pk=user_id)
    invoices = list(
        Invoice.objects.for_caisse(caisse)
        .past_due(timezone.localdate())
        .filter(adult_registration__user=user)
        .order_by("number")
    )
    return send_reminder(caisse=caisse, invoices=invoices, recipients=[user.email] if user.email else [])


@task()
def billing_run_task(caisse_id: int, period_id: int) -> str:
    from refectoire.billing.services import billing_run_compute
    from refectoire.caisses.models import Caisse
    from refectoire.schools.models import BillingPeriod

    caisse = Caisse.objects.get(pk=caisse_id)
    period = BillingPeriod.objects.get(pk=period_id, caisse=caisse)
    run = billing_run_compute(caisse=caisse, period=period)
    return run.state


@task()
def issue_stay_invoice(choice_id: int) -> int | None:
    """The invoice of a place just confirmed (enqueued on commit of the confirmation)."""
    from refectoire.billing.stays import stay_invoice_issue
    from refectoire.stays.models import StayChoice

    choice = StayChoice.objects.filter(pk=choice_id).first()
    if choice is None:
        return None
    invoice = stay_invoice_issue(choice=choice)
    return invoice.number if invoice else None
