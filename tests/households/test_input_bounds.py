"""The bounds a person expects on what is typed, held by the models and services (issue 12, item 10):
a school child's birth date, names, French phone numbers, free text of 5,000 characters at most."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from refectoire.core.validators import (
    FREE_TEXT_MAX,
    normalize_phone,
    validate_child_birth_date,
    validate_person_name,
)
from refectoire.households import services as households
from refectoire.households.enums import HouseholdState
from refectoire.messaging.services import conversation_start
from refectoire.requests.enums import RequestKind
from refectoire.requests.services import request_create
from refectoire.stays.services import stay_profile_save
from tests.households.factories import household_for

pytestmark = pytest.mark.django_db
D = datetime.date
CHILD = {"first_name": "Elie", "last_name": "Lovinfosse", "sex": "f"}


@pytest.mark.parametrize(
    ("birth_date", "accepted"),
    [
        (D(2031, 1, 1), False),  # not born
        (D(1901, 1, 1), False),
        (D(2026, 11, 29), False),  # last week
        (D(2025, 9, 1), True),  # 2 at the start of the school year 2027-2028
        (D(2025, 9, 2), False),
        (D(2013, 9, 2), True),  # 12 at the start of 2026-2027
        (D(2013, 9, 1), False),  # 13
        (D(2018, 3, 14), True),
    ],
)
def test_a_school_childs_birth_date_is_2_to_12_years_old(birth_date, accepted):
    today = D(2026, 12, 6)
    if accepted:
        validate_child_birth_date(birth_date, today=today)
    else:
        with pytest.raises(ValidationError, match="entre 2 et 12 ans"):
            validate_child_birth_date(birth_date, today=today)


@pytest.mark.parametrize("birth_date", [D(2031, 1, 1), D(1901, 1, 1), datetime.date.today()])
def test_the_service_refuses_a_child_born_out_of_bounds(cde11, parent_a, birth_date):
    household = household_for(parent_a, cde11, state=HouseholdState.DRAFT, children=())
    with pytest.raises(ValidationError) as error:
        households.child_add(household=household, actor=parent_a, **CHILD, birth_date=birth_date)
    assert list(error.value.message_dict) == ["birth_date"]
    assert not household.children.exists()


def test_a_stored_birth_date_stays_valid_when_the_child_grows_up(cde11, parent_a):
    household = household_for(parent_a, cde11, state=HouseholdState.DRAFT, children=("Elie",))
    child = household.children.get()
    child.birth_date = D(2010, 5, 1)  # imported long ago: 16 today
    child.save()
    households.child_change(child=child, actor=parent_a, **CHILD, birth_date=D(2010, 5, 1))
    child.refresh_from_db()
    assert child.first_name == "Elie"


@pytest.mark.parametrize(
    "name", ["A" * 81, "Robert'); DROP TABLE--", "<script>alert(1)</script>", "Jean 2", "pas_de_nom"]
)
def test_a_name_is_letters_of_a_bounded_length(cde11, parent_a, name):
    household = household_for(parent_a, cde11, state=HouseholdState.DRAFT, children=())
    with pytest.raises(ValidationError) as error:
        households.child_add(
            household=household, actor=parent_a, **{**CHILD, "first_name": name}, birth_date=D(2018, 3, 14)
        )
    assert "first_name" in error.value.message_dict


@pytest.mark.parametrize(
    "name", ["Élodie", "Cle\u0301ment", "Jean-Baptiste", "N'Diaye", "Le Gall", "Zoë", "Ñuñez", "St. John"]
)
def test_real_names_are_accepted(name):
    validate_person_name(name)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0612345678", "06 12 34 56 78"),
        ("+33 6 12 34 56 78", "06 12 34 56 78"),
        ("01.43.55.10.10", "01 43 55 10 10"),
    ],
)
def test_french_phone_numbers_are_accepted(typed, stored):
    assert normalize_phone(typed) == stored


@pytest.mark.parametrize("phone", ["pas de téléphone", "12", "06123456789012345", "00 00 00 00 00"])
def test_an_emergency_phone_for_a_stay_must_be_a_phone_number(cde11, parent_a, phone):
    household = household_for(parent_a, cde11, state=HouseholdState.VALIDATED)
    with pytest.raises(ValidationError) as error:
        stay_profile_save(
            child=household.children.get(),
            school_level="CE1",
            emergency_contact_1_name="Tante Rose",
            emergency_contact_1_phone=phone,
        )
    assert "emergency_contact_1_phone" in error.value.message_dict


def test_free_text_is_5000_characters_at_most_in_every_service(cde11, parent_a):
    household = household_for(parent_a, cde11, state=HouseholdState.VALIDATED)
    too_long = "x" * (FREE_TEXT_MAX + 1)
    with pytest.raises(ValidationError, match="5000 caractères au plus"):
        conversation_start(
            household=household, subject="Menus", body=too_long, author=parent_a, by_agent=False
        )
    with pytest.raises(ValidationError, match="5000 caractères au plus"):
        request_create(
            household=household,
            kind=RequestKind.CORRECTION,
            data={"text": "y" * 132_000},
            created_by=parent_a,
        )
    assert not household.requests.exists() and not household.conversations.exists()
    conversation_start(
        household=household, subject="Menus", body="x" * FREE_TEXT_MAX, author=parent_a, by_agent=False
    )
