from allauth.account.models import EmailAddress, EmailConfirmation
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from refectoire.accounts.language import in_language_of
from refectoire.accounts.models import CguAcceptance
from refectoire.core.mail import mail_subject


@transaction.atomic
def cgu_accept(*, user, caisse) -> CguAcceptance:
    return CguAcceptance.objects.create(user=user, caisse=caisse, cgu_version=caisse.cgu_updated_at)


@transaction.atomic
def account_email_change(*, user, new_email: str, caisse) -> EmailAddress:
    """The account's login e-mail becomes `new_email` (a change of situation the Caisse accepted).

    The new address is the primary one, to be verified (a link is sent to it); the old addresses
    stay until it is confirmed (`old_addresses_remove`, on allauth's `email_confirmed`), so a
    mistyped address never locks the parent out: they still log in with their identifier. The
    old address is told of the change (security).
    """
    new_email = new_email.strip()
    old_email = user.email
    if old_email.lower() == new_email.lower():
        return EmailAddress.objects.filter(user=user, email__iexact=new_email).first()
    taken = EmailAddress.objects.filter(email__iexact=new_email).exclude(user=user).exists() or (
        get_user_model().objects.filter(email__iexact=new_email).exclude(pk=user.pk).exists()
    )
    if taken:
        raise ValidationError({"email": _("Cette adresse électronique est déjà celle d'un autre compte.")})
    address = EmailAddress.objects.filter(user=user, email__iexact=new_email).first() or (
        EmailAddress.objects.create(user=user, email=new_email, verified=False, primary=False)
    )
    address.set_as_primary()
    EmailAddress.objects.filter(user=user, verified=False).exclude(pk=address.pk).delete()
    confirmation = EmailConfirmation.create(address)
    confirmation.sent = timezone.now()
    confirmation.save(update_fields=["sent"])
    link = caisse.absolute_url("account_confirm_email", kwargs={"key": confirmation.key})
    with in_language_of([old_email, new_email]):
        verify = _(
            "Bonjour,\n\nLa Caisse des écoles a enregistré cette adresse comme courriel de votre compte.\n"
            "Confirmez-la en ouvrant ce lien :\n%(link)s\n\n%(caisse)s"
        ) % {"link": link, "caisse": caisse.name}
        notice = _(
            "Bonjour,\n\nLe courriel de votre compte a été changé à votre demande : cette adresse ne "
            "servira plus à vous connecter dès que la nouvelle sera confirmée. Si vous n'êtes pas à "
            "l'origine de ce changement, contactez "
            "sans attendre la Caisse des écoles (%(contact)s).\n\n%(caisse)s"
        ) % {"contact": caisse.contact_email or caisse.name, "caisse": caisse.name}
        subject_verify = mail_subject(caisse.name, _("Confirmez votre adresse électronique"))
        subject_notice = mail_subject(caisse.name, _("Le courriel de votre compte a changé"))

    def send():
        send_mail(subject_verify, verify, None, [new_email])
        if old_email:
            send_mail(subject_notice, notice, None, [old_email])

    transaction.on_commit(send)
    return address


def old_addresses_remove(*, address: EmailAddress) -> int:
    """Once the new primary address is confirmed, the account's other addresses go."""
    if not address.primary:
        return 0
    deleted, _rows = EmailAddress.objects.filter(user=address.user).exclude(pk=address.pk).delete()
    return deleted


def language_codes() -> set[str]:
    return {code for code, _name in settings.LANGUAGES}


@transaction.atomic
def user_language_set(*, user, language: str) -> None:
    """The language of the pages and of the e-mails this person receives (French by default)."""
    if language not in language_codes():
        raise ValidationError({"language": _("Cette langue n'est pas proposée.")})
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
