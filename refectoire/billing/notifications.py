"""E-mails of billing: invoice issued, reminder of unpaid invoices."""

from django.core.mail import EmailMessage
from django.db.models import Prefetch, Q
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from refectoire.accounts.language import in_language_of, known_languages
from refectoire.billing.models import Invoice
from refectoire.core.lookups import Ids
from refectoire.core.mail import mail_subject, send_batch
from refectoire.households.models import Guardian
from refectoire.households.selectors import household_emails


def invoice_emails(invoice) -> list[str]:
    """Who receives an invoice: the household's guardians, or the adult of a registration."""
    if invoice.adult_registration_id:
        email = invoice.adult_registration.user.email
        return [email] if email else []
    return household_emails(invoice.household)


def invoice_issued_message(invoice, *, languages=None) -> EmailMessage | None:
    """The e-mail of an issued invoice (None without recipient); `languages`: `known_languages` of
    a batch, so that building many reads nothing more."""
    recipients = invoice_emails(invoice)
    if not recipients:
        return None
    caisse = invoice.caisse
    context = {
        "invoice": invoice,
        "caisse": caisse,
        "url": caisse.absolute_url("portal:invoice_detail", kwargs={"invoice_uuid": invoice.uuid}),
    }
    with in_language_of(recipients, known=languages):
        return EmailMessage(
            subject=mail_subject(caisse.name, invoice.title),
            body=render_to_string("billing/emails/invoice_issued.txt", context),
            to=recipients,
        )


def send_invoices_issued(invoices) -> int:
    """The e-mails of many issued invoices (their households' guardians prefetched), built with one
    query for the recipients' languages and sent together by the worker that builds them
    (`core.mail.send_batch`: over its kept SMTP connection, not one queued task per e-mail)."""
    invoices = list(invoices)
    languages = known_languages(address for invoice in invoices for address in invoice_emails(invoice))
    messages = [invoice_issued_message(invoice, languages=languages) for invoice in invoices]
    return send_batch([message for message in messages if message is not None])


def reminder_message(*, caisse, invoices, recipients, adult: bool, languages=None) -> EmailMessage | None:
    """The reminder of unpaid `invoices`, to a household's guardians or to an adult (`adult`); None
    without recipient or invoice. `languages`: `known_languages` of a batch (no query then)."""
    if not recipients or not invoices:
        return None
    context = {
        "caisse": caisse,
        "invoices": invoices,
        "url": caisse.absolute_url("portal:adult_meals" if adult else "portal:invoice_list"),
        "total": sum(invoice.amount_due for invoice in invoices),
        "adult": adult,
    }
    with in_language_of(recipients, known=languages):
        return EmailMessage(
            subject=mail_subject(caisse.name, _("Relance : factures impayées")),
            body=render_to_string("billing/emails/reminder.txt", context),
            to=recipients,
        )


def send_reminders(*, caisse, household_ids, user_ids, today) -> int:
    """The reminders of these households and adults of `caisse` (their unpaid invoices past due on
    `today`), built in bulk (a handful of queries whatever their number) and sent together
    (`core.mail.send_batch`); returns how many were sent or queued."""
    invoices = list(
        Invoice.objects.for_caisse(caisse)
        .past_due(today)
        .filter(Q(household_id__any=Ids(household_ids)) | Q(adult_registration__user_id__any=Ids(user_ids)))
        .select_related("caisse", "household", "adult_registration__user")
        .prefetch_related(Prefetch("household__guardians", queryset=Guardian.objects.select_related("user")))
        .order_by("-number", "-pk")  # a family's reminder lists the newest first, an adult's the oldest
    )
    families: dict[int, list] = {}
    adults: dict[int, list] = {}
    for invoice in invoices:
        if invoice.household_id is not None:
            families.setdefault(invoice.household_id, []).append(invoice)
        elif invoice.adult_registration_id is not None:
            adults.setdefault(invoice.adult_registration.user_id, []).append(invoice)
    batch = [(household_emails(found[0].household), found, False) for found in families.values()]
    for found in adults.values():
        email = found[0].adult_registration.user.email
        batch.append(([email] if email else [], found[::-1], True))
    languages = known_languages(address for recipients, _found, _adult in batch for address in recipients)
    messages = [
        reminder_message(
            caisse=caisse, invoices=found, recipients=recipients, adult=adult, languages=languages
        )
        for recipients, found, adult in batch
    ]
    return send_batch([message for message in messages if message is not None])
