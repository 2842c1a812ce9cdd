"""E-mails to the parents about their requests (through messaging's `notify_household`)."""

from django.utils.translation import gettext as _

from refectoire.messaging.notifications import notify_household
from refectoire.requests.enums import RequestKind, RequestState, SituationChange
from refectoire.requests.situation import OTHER_PARENT_NEXT_STEP


def notify_request_decision(request) -> None:
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
