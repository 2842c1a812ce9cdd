"""Reads of the stays: who may go where, and the agents' lists."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from refectoire.stays.enums import PLACE_STATES, ChoiceState
from refectoire.stays.models import HolidayStay, StayChoice, StayProfile


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    """Age in completed years on `day`."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def child_ref(child) -> str:
    """The child's reference in the formats (the Caisse's reference, else the UUID)."""
    return child.reference or str(child.uuid)


def school_level_of(child) -> str | None:
    try:
        return child.stay_profile.school_level
    except StayProfile.DoesNotExist:
        return None


def stay_ineligibility_reasons(*, stay: HolidayStay, child) -> list[str]:
    """Why `child` cannot go on `stay` (empty list: the child can go)."""
    reasons = []
    if child.birth_date is None:
        reasons.append(_("La date de naissance de l'enfant est inconnue."))
    else:
        age = age_on(child.birth_date, stay.start_date)
        if not stay.age_min <= age <= stay.age_max:
            reasons.append(
                _("Le séjour accueille les enfants de %(min)d à %(max)d ans (%(age)d ans le premier jour).")
                % {"min": stay.age_min, "max": stay.age_max, "age": age}
            )
    if stay.school_levels:
        level = school_level_of(child)
        if level is None:
            reasons.append(_("Indiquez le niveau scolaire de l'enfant dans sa fiche séjour."))
        elif level not in stay.school_levels:
            reasons.append(
                _("Le séjour est réservé aux niveaux : %(levels)s.")
                % {"levels": ", ".join(stay.school_levels)}
            )
    return reasons


def stay_is_eligible(*, stay: HolidayStay, child) -> bool:
    return not stay_ineligibility_reasons(stay=stay, child=child)


def stays_open_for_child(*, caisse, child, day: datetime.date | None = None) -> list[HolidayStay]:
    """The published stays of `caisse` open for applications on `day` that `child` can go on."""
    day = day or timezone.localdate()
    stays = HolidayStay.objects.for_caisse(caisse).published().open_on(day).prefetch_related("prices")
    return [stay for stay in stays if stay_is_eligible(stay=stay, child=child)]


def places_held(stay: HolidayStay) -> int:
    return stay.choices.filter(state__in=PLACE_STATES).count()


def child_went_on_a_stay(*, child, before: datetime.date) -> bool:
    """A child "went" when a stay of theirs was confirmed and started before `before`."""
    return StayChoice.objects.filter(
        child=child, state=ChoiceState.CONFIRMED, stay__start_date__lt=before
    ).exists()


def stay_choices(stay: HolidayStay):
    return (
        stay.choices.select_related("child", "application__household", "child__stay_profile", "invoice")
        .prefetch_related("application__documents", "application__choices__stay")
        .order_by("rank", "created_at", "pk")
    )
