"""E-mails to the parents: never any personal data, only a link to their space.

`notify_household` is the one way a domain app tells a household something happened (a message,
a request's decision): messaging owns it, higher apps (requests) call it.
"""

from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext as _

from refectoire.accounts.language import in_language_of
from refectoire.core.mail import mail_subject
from refectoire.households.selectors import household_emails


def notify_household(*, household, subject, intro, url: str) -> None:
    """`subject` and `intro` are lazy strings (gettext_lazy, `format_lazy`): they are written here,
    in the language of the household's accounts, like the rest of the e-mail."""
    recipients = household_emails(household)
    if not recipients:
        return
    caisse = household.caisse
    with in_language_of(recipients):
        subject = str(subject)
        body = _(
            "Bonjour,\n\n%(intro)s\n\nConsultez-la dans votre espace famille :\n%(url)s\n\n"
            "Ce courriel est envoyé automatiquement, merci de ne pas y répondre.\n%(caisse)s"
        ) % {"intro": intro, "url": url, "caisse": caisse.name}
    transaction.on_commit(
        lambda: send_mail(mail_subject(caisse.name, subject), body, None, recipients, fail_silently=False)
    )
