"""The household, its guardians and children.

Anonymising runs last (`ORDER = 90`): every other section has read the identity it scrubs. Names,
birth dates, contacts, addresses, allocataire numbers, the service key, the messages of the
validation and the data of change requests are erased or replaced, in the rows and their history;
the guardians' accounts are unlinked. While the household's accounting records are within their
retention (`keep_debtor()`), the account holder's name and postal address stay: they are the
debtor's identity of its invoices; a later purge erases them.
"""

from refectoire.core.personal_data import (
    ANONYMOUS,
    anonymise_each,
    anonymise_rows,
    anonymised_email,
    keep_debtor,
    row,
)
from refectoire.households.enums import GuardianRole
from refectoire.households.models import Guardian, HouseholdChange, HouseholdEvent

SECTION = "household"
ORDER = 90

GUARDIAN_FIELDS = (
    "role",
    "civility",
    "first_name",
    "last_name",
    "birth_name",
    "birth_date",
    "street_number",
    "street_name",
    "building",
    "apartment",
    "address_complement",
    "postcode",
    "city",
    "country",
    "home_phone",
    "mobile_phone",
    "email",
    "benefits_member",
    "benefits_regime",
    "benefits_organisation",
    "benefits_number",
)
CHILD_FIELDS = ("uuid", "civility", "first_name", "last_name", "birth_name", "birth_date", "sex", "reference")
IDENTITY = {
    "civility": "",
    "first_name": ANONYMOUS,
    "last_name": ANONYMOUS,
    "street_number": "",
    "street_name": "",
    "building": "",
    "apartment": "",
    "address_complement": "",
    "postcode": "",
    "city": "",
    "country": "",
}
CONTACTS = {
    "birth_name": "",
    "birth_date": None,
    "home_phone": "",
    "mobile_phone": "",
    "benefits_member": False,
    "benefits_regime": "",
    "benefits_organisation": "",
    "benefits_number": "",
}


def export_household(household) -> dict:
    return {
        **row(household, "uuid", "reference", "state", "is_single_parent", "submitted_at", "validated_at"),
        "service_key": household.service_key or "",
        "members": [row(g, *GUARDIAN_FIELDS) for g in household.guardians.all()],
        "children": [row(c, *CHILD_FIELDS) for c in household.children.all()],
        "changes": [
            {
                **row(change, "kind", "state", "decided_at", "reason"),
                "data": change.data,
                "asked_at": change.created_at.isoformat(),
            }
            for change in household.changes.order_by("created_at")
        ],
    }


def anonymise_household(household) -> dict[str, int]:
    guardians = Guardian.objects.filter(household=household)
    debtor = guardians.filter(role=GuardianRole.PRIMARY) if keep_debtor() else guardians.none()
    others = guardians.exclude(pk__in=debtor.values("pk"))
    count = anonymise_each(others, lambda pk: {**IDENTITY, **CONTACTS, "email": anonymised_email(f"g{pk}")})
    anonymise_each(debtor, lambda pk: {**CONTACTS, "email": anonymised_email(f"g{pk}")})
    guardians.update(user=None)
    Guardian.history.model.objects.filter(household_id=household.pk).update(user=None)
    children = anonymise_rows(
        household.children.all(),
        civility="",
        sex="",
        first_name=ANONYMOUS,
        last_name=ANONYMOUS,
        birth_name="",
        birth_date=None,
    )
    anonymise_rows(type(household).objects.filter(pk=household.pk), service_key=None, is_single_parent=False)
    events = HouseholdEvent.objects.filter(household=household).exclude(message="").update(message="")
    changes = anonymise_rows(HouseholdChange.objects.filter(household=household), data={}, reason="")
    return {
        "guardians": count + debtor.count(),
        "children": children,
        "household_messages": events,
        "change_requests": changes,
    }
