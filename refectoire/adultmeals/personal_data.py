"""The adult-meal registrations of the household's guardians (a parent who works at a school).

Anonymising erases the employer's name and the decision reasons, in the rows and their history.
"""

from refectoire.adultmeals.models import AdultRegistration, AdultRegistrationEvent
from refectoire.core.personal_data import anonymise_rows, row

SECTION = "adult_meals"


def _registrations(household):
    users = household.guardians.filter(user__isnull=False).values("user_id")
    return AdultRegistration.objects.filter(caisse_id=household.caisse_id, user_id__in=users)


def export_household(household) -> list:
    return [
        {
            **row(
                r, "uuid", "role", "employer", "employer_name", "weekdays", "starts_on", "ends_on", "state"
            ),
            **row(r, "decision_reason"),
            "school": r.school.name,
        }
        for r in _registrations(household).select_related("school").order_by("created_at")
    ]


def anonymise_household(household) -> dict[str, int]:
    registrations = _registrations(household)
    count = anonymise_rows(registrations, employer_name="", decision_reason="")
    AdultRegistrationEvent.objects.filter(registration__in=registrations).update(message="")
    return {"adult_registrations": count}
