"""E-mails to the parents about their requests (through messaging's `notify_household`)."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from refectoire.messaging.notifications import notify_household
from refectoire.requests.enums import RequestKind, RequestState, SituationChange
from refectoire.requests.situation import OTHER_PARENT_NEXT_STEP


def notify_request_decision(request) -> None:
    intro = gettext_lazy("La Caisse des écoles a donné une suite à l'une de vos demandes.")
    if (
        request.kind == RequestKind.SITUATION
        and request.state == RequestState.ACCEPTED
        and request.data.get("change") == SituationChange.SEPARATION
    ):
        intro = format_lazy("{}\n\n{}", intro, OTHER_PARENT_NEXT_STEP)
    notify_household(
        household=request.household,
        subject=gettext_lazy("Votre demande a évolué"),
        intro=intro,
        url=request.caisse.absolute_url("portal:request_detail", kwargs={"request_uuid": request.uuid}),
    )
