"""E-mails to the family about its household; sent after commit by the services."""

import functools

from django.core.mail import send_mail
from django.utils.translation import gettext as _

from refectoire.accounts.language import in_language_of
from refectoire.core.mail import mail_subject
from refectoire.households.enums import ChangeState

SIGNATURE = "\n\n{caisse}\n{contact}"


def _recipients(household) -> list[str]:
    """The e-mails of the guardians who have an account here; else the holder's e-mail."""
    guardians = sorted(household.guardians.select_related("user"), key=lambda g: g.role != "primary")
    emails = [g.user.email for g in guardians if g.user_id and g.user.email]
    if not emails:
        emails = [g.email for g in guardians if g.role == "primary" and g.email]
    return list(dict.fromkeys(emails))


def _send(household, subject: str, body: str) -> None:
    recipients = _recipients(household)
    if not recipients:
        return
    caisse = household.caisse
    send_mail(
        subject=mail_subject(caisse.name, subject),
        message=body + SIGNATURE.format(caisse=caisse.name, contact=caisse.contact_email),
        from_email=None,
        recipient_list=recipients,
    )


def _in_family_language(compose):
    """Composes the e-mail in the language the household's guardians chose (core/mail.py)."""

    @functools.wraps(compose)
    def composed(about, *args, **kwargs):
        household = getattr(about, "household", about)
        with in_language_of(_recipients(household)):
            return compose(about, *args, **kwargs)

    return composed


@_in_family_language
def household_received_email(household) -> None:
    _send(
        household,
        _("Votre demande a bien été reçue"),
        _(
            "Bonjour,\n\nVotre déclaration d'entourage a bien été transmise à la Caisse des écoles. "
            "Elle est en attente de validation ; vous recevrez un courriel dès qu'elle aura été traitée.\n\n"
            "Suivre ma demande : {url}"
        ).format(url=household.caisse.absolute_url("portal:household")),
    )


@_in_family_language
def household_validated_email(household) -> None:
    _send(
        household,
        _("Votre foyer a été validé"),
        _(
            "Bonjour,\n\nLa Caisse des écoles a validé votre foyer. Les démarches « Inscription » et "
            "« Tarif » sont maintenant disponibles sur votre tableau de bord.\n\nMon espace : {url}"
        ).format(url=household.caisse.absolute_url("portal:dashboard")),
    )


@_in_family_language
def household_correction_email(household, message: str) -> None:
    _send(
        household,
        _("Une correction est demandée sur votre déclaration"),
        _(
            "Bonjour,\n\nLa Caisse des écoles vous demande de corriger votre déclaration d'entourage :\n\n"
            "{message}\n\nVos informations ont été conservées : corrigez-les puis cliquez de nouveau sur "
            "« Valider ma demande ».\n\nDéclarer mon entourage : {url}"
        ).format(message=message, url=household.caisse.absolute_url("portal:household")),
    )


@_in_family_language
def household_rejected_email(household, reason: str) -> None:
    _send(
        household,
        _("Votre demande a été refusée"),
        _(
            "Bonjour,\n\nLa Caisse des écoles a refusé votre déclaration d'entourage pour le motif suivant :"
            "\n\n{reason}\n\nPour toute question, répondez à ce courriel ou contactez la Caisse des écoles."
        ).format(reason=reason),
    )


@_in_family_language
def change_decided_email(change) -> None:
    if change.state == ChangeState.ACCEPTED:
        subject = _("L'ajout d'un membre a été validé")
        body = _("Bonjour,\n\nLa Caisse des écoles a validé l'ajout de {name} à votre foyer.")
    else:
        subject = _("L'ajout d'un membre a été refusé")
        body = _(
            "Bonjour,\n\nLa Caisse des écoles a refusé l'ajout de {name} à votre foyer :\n\n{reason}\n\n"
            "Pour toute question, écrivez à la Caisse des écoles depuis votre espace famille "
            "(« Contacter la Caisse »)."
        )
    _send(change.household, subject, body.format(name=change.display_name, reason=change.reason))
