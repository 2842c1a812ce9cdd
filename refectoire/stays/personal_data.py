"""Holiday-stay applications, choices and the children's stay profiles (emergency contacts).

Anonymising erases the emergency contacts and the messages, and scrubs the household's names out of
the allocations' published results (the list of the draw).
"""

from refectoire.core.personal_data import ANONYMOUS, anonymise_rows, row, scrub_rows
from refectoire.stays.models import StayAllocation, StayApplication, StayChoice, StayChoiceEvent, StayProfile

SECTION = "stays"


def export_household(household) -> dict:
    applications = StayApplication.objects.filter(household=household).prefetch_related("choices__stay")
    profiles = StayProfile.objects.filter(child__household=household).select_related("child")
    return {
        "applications": [
            {
                **row(a, "uuid"),
                "child": str(a.child.uuid),
                "sent_at": a.created_at.isoformat(),
                "choices": [
                    {**row(c, "rank", "state", "waiting_rank", "confirm_by"), "stay": c.stay.title}
                    for c in a.choices.all()
                ],
            }
            for a in applications.order_by("created_at")
        ],
        "profiles": [
            {
                **row(p, "school_level", "emergency_contact_1_name", "emergency_contact_1_phone"),
                **row(p, "emergency_contact_2_name", "emergency_contact_2_phone"),
                "child": str(p.child.uuid),
            }
            for p in profiles
        ],
    }


def anonymise_household(household) -> dict[str, int]:
    profiles = anonymise_rows(
        StayProfile.objects.filter(child__household=household),
        emergency_contact_1_name=ANONYMOUS,
        emergency_contact_1_phone="",
        emergency_contact_2_name="",
        emergency_contact_2_phone="",
    )
    choices = StayChoice.objects.filter(application__household=household)
    messages = StayChoiceEvent.objects.filter(choice__in=choices).exclude(message="").update(message="")
    stays = {choice.stay_id for choice in choices}
    scrub_rows(StayAllocation.objects.filter(stay_id__in=stays), "result")
    return {"stay_profiles": profiles, "stay_messages": messages}
