from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from refectoire.adultmeals.enums import REGISTRATION_TRANSITIONS, Employer, RegistrationState
from refectoire.adultmeals.models import AdultExtraMeal, AdultRegistration, AdultRegistrationEvent


def _transition(registration, to_state, *, actor, message=""):
    from_state = registration.state
    if to_state not in REGISTRATION_TRANSITIONS[RegistrationState(from_state)]:
        raise ValidationError(_("Cette inscription ne peut plus changer d'état ainsi."))
    registration.state = to_state
    registration.save()
    AdultRegistrationEvent.objects.create(
        registration=registration, actor=actor, from_state=from_state, to_state=to_state, message=message
    )
    return registration


def _lock(registration) -> None:
    AdultRegistration.objects.select_for_update().filter(pk=registration.pk).exists()
    registration.refresh_from_db()


@transaction.atomic
def adult_registration_submit(
    *, caisse, user, school, role, employer, weekdays, starts_on, employer_name=""
) -> AdultRegistration:
    """A member of a school's staff asks to eat at the canteen on `weekdays` from `starts_on`."""
    if school.caisse_id != caisse.pk:
        raise ValueError("school of another Caisse")
    if employer == Employer.OTHER and not employer_name:
        raise ValidationError({"employer_name": _("Indiquez le nom de votre employeur.")})
    days = "".join(sorted(set(weekdays)))
    outside = [day for day in days if day not in school.weekdays]
    if outside:
        raise ValidationError({"weekdays": _("L'établissement ne sert pas de repas certains de ces jours.")})
    registration = AdultRegistration(
        caisse=caisse,
        user=user,
        school=school,
        role=role,
        employer=employer,
        employer_name=employer_name if employer == Employer.OTHER else "",
        weekdays=days,
        starts_on=starts_on,
    )
    registration.full_clean()
    registration.save()
    AdultRegistrationEvent.objects.create(
        registration=registration, actor=user, to_state=registration.state, message=_("Inscription envoyée.")
    )
    return registration


@transaction.atomic
def adult_registration_validate(*, registration, actor) -> AdultRegistration:
    _lock(registration)
    registration.decided_at, registration.decided_by = timezone.now(), actor
    return _transition(
        registration, RegistrationState.VALIDATED, actor=actor, message=_("Inscription validée.")
    )


@transaction.atomic
def adult_registration_reject(*, registration, actor, reason: str) -> AdultRegistration:
    if not reason.strip():
        raise ValidationError({"reason": _("Indiquez le motif du refus.")})
    _lock(registration)
    registration.decided_at, registration.decided_by, registration.decision_reason = (
        timezone.now(),
        actor,
        reason,
    )
    return _transition(registration, RegistrationState.REJECTED, actor=actor, message=reason)


@transaction.atomic
def adult_extra_meals_record(*, registration, day, count: int, actor) -> AdultExtraMeal | None:
    """Set the number of off-schedule meals of `registration` on `day` (0 removes the line)."""
    if registration.state != RegistrationState.VALIDATED:
        raise ValidationError(_("Seule une inscription validée reçoit des repas."))
    if count < 0:
        raise ValidationError({"count": _("Le nombre de repas ne peut pas être négatif.")})
    if count == 0:
        AdultExtraMeal.objects.filter(registration=registration, day=day).delete()
        return None
    meal, _created = AdultExtraMeal.objects.update_or_create(
        registration=registration, day=day, defaults={"count": count, "recorded_by": actor}
    )
    return meal
