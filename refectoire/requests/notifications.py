"""E-mails to the parents: never any personal data, only a link to their space."""

from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext as _

from refectoire.households.selectors import household_emails


def notify_household(*, household, subject: str, intro: str, url: str) -> None:
    recipients = household_emails(household)
    if not recipients:
        return
    caisse = household.caisse
    body = _(
        "Bonjour,\n\n%(intro)s\n\nConsultez-la dans votre espace famille :\n%(url)s\n\n"
        "Ce courriel est envoyé automatiquement, merci de ne pas y répondre.\n%(caisse)s"
    ) % {"intro": intro, "url": url, "caisse": caisse.name}
    transaction.on_commit(
        lambda: send_mail(f"{subject} — {caisse.name}", body, None, recipients, fail_silently=False)
    )


def notify_request_decision(request) -> None:
    from refectoire.requests.enums import RequestKind, RequestState, SituationChange
    from refectoire.requests.situation import OTHER_PARENT_NEXT_STEP

    intro = _("La Caisse des écoles a donné une suite à l'une de vos demandes.")
    if (
        request.kind == RequestKind.SITUATION
        and request.state == RequestState.ACCEPTED
        and request.data.get("change") == SituationChange.SEPARATION
    ):
        intro = f"{intro}\n\n{OTHER_PARENT_NEXT_STEP}"
    notify_household(
        household=request.household,
        subject=_("Votre demande a évolué"),
        intro=intro,
        url=request.caisse.absolute_url("portal:request_detail", kwargs={"request_uuid": request.uuid}),
    )
