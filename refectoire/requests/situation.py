"""Applying an accepted "Changement de situation" to the household, with history.

When the households app offers its services (`guardian_change`, `child_add`, with the agent as
actor), they are used: they check, log a HouseholdEvent and keep history. Until then these
small functions write the changes on Guardian and Child (both carry HistoricalRecords, so
every change is kept).
"""

import datetime

from django.db import transaction

from refectoire.households.models import Child, Guardian
from refectoire.requests.enums import FollowUpKind, SituationChange
from refectoire.requests.models import FollowUp

ADDRESS_FIELDS = [
    "street_number",
    "street_name",
    "building",
    "apartment",
    "address_complement",
    "postcode",
    "city",
]
CONTACT_FIELDS = ["mobile_phone", "home_phone", "email"]


def _guardian_of(request) -> Guardian:
    guardians = request.household.guardians.all()
    return next((g for g in guardians if g.user_id and g.user_id == request.created_by_id), None) or (
        request.household.primary_guardian
    )


def _household_services():
    try:
        from refectoire.households import services
    except ImportError:
        return None
    if hasattr(services, "guardian_change") and hasattr(services, "child_add"):
        return services
    return None


@transaction.atomic
def guardian_update(*, guardian: Guardian, actor=None, **fields) -> Guardian:
    services = _household_services()
    if services is not None:
        return services.guardian_change(guardian=guardian, actor=actor, actor_is_agent=True, **fields)
    for name, value in fields.items():
        setattr(guardian, name, value)
    guardian.full_clean()
    guardian.save()
    return guardian


@transaction.atomic
def child_add(*, household, first_name, last_name, birth_date, sex="", actor=None) -> Child:
    services = _household_services()
    if services is not None:
        return services.child_add(
            household=household,
            actor=actor,
            actor_is_agent=True,
            first_name=first_name,
            last_name=last_name,
            birth_date=birth_date,
            sex=sex,
        )
    child = Child(
        household=household, first_name=first_name, last_name=last_name, birth_date=birth_date, sex=sex
    )
    child.full_clean()
    child.save()
    return child


def situation_apply(*, request, actor=None) -> str:
    """Apply the change; return what was done, in French, for the timeline."""
    data = request.data
    change = data["change"]
    if change == SituationChange.ADDRESS:
        guardian = _guardian_of(request)
        guardian_update(guardian=guardian, actor=actor, **{f: data.get(f, "") for f in ADDRESS_FIELDS})
        return f"Adresse mise à jour pour {guardian.full_name}."
    if change == SituationChange.CONTACT:
        guardian = _guardian_of(request)
        guardian_update(guardian=guardian, actor=actor, **{f: data[f] for f in CONTACT_FIELDS if data.get(f)})
        return f"Coordonnées mises à jour pour {guardian.full_name}."
    if change == SituationChange.NEW_CHILD:
        child = child_add(
            household=request.household,
            first_name=data["child_first_name"],
            last_name=data["child_last_name"],
            birth_date=datetime.date.fromisoformat(data["child_birth_date"]),
            sex=data.get("child_sex", ""),
            actor=actor,
        )
        request.children.add(child)
        return f"Enfant ajouté au foyer : {child.full_name}."
    effective = datetime.date.fromisoformat(data["effective_date"]) if data.get("effective_date") else None
    if change == SituationChange.SEPARATION:
        for child in request.children.all() or request.household.children.all():
            FollowUp.objects.create(
                caisse=request.caisse,
                household=request.household,
                request=request,
                child=child,
                kind=FollowUpKind.SHARED_CUSTODY,
                effective_date=effective,
            )
        return "Garde alternée à mettre en place à compter de la date indiquée."
    if change == SituationChange.RESOURCES:
        FollowUp.objects.create(
            caisse=request.caisse,
            household=request.household,
            request=request,
            kind=FollowUpKind.TARIFF_REQUEST,
            effective_date=effective,
        )
        return "Une nouvelle demande de tarif est ouverte."
    raise ValueError(change)
