"""E-mails of billing: invoice issued, reminder of unpaid invoices."""

from django.core.mail import EmailMessage, send_mail
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from refectoire.accounts.language import in_language_of, known_languages
from refectoire.core.mail import mail_subject, send_batch
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


def send_reminder(*, caisse, household=None, invoices, recipients=None) -> bool:
    """The reminder of unpaid invoices, to a household's guardians (or to `recipients`, an adult)."""
    recipients = household_emails(household) if recipients is None else recipients
    if not recipients or not invoices:
        return False
    context = {
        "caisse": caisse,
        "invoices": invoices,
        "url": caisse.absolute_url("portal:adult_meals" if household is None else "portal:invoice_list"),
        "total": sum(invoice.amount_due for invoice in invoices),
        "adult": household is None,
    }
    with in_language_of(recipients):
        send_mail(
            subject=mail_subject(caisse.name, _("Relance : factures impayées")),
            message=render_to_string("billing/emails/reminder.txt", context),
            from_email=None,
            recipient_list=recipients,
        )
    return True
