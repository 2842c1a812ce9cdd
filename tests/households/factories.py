import datetime

import factory

from refectoire.households.enums import GuardianRole, HouseholdState
from refectoire.households.models import Child, Guardian
from tests.factories import HouseholdFactory


class GuardianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guardian

    household = factory.SubFactory(HouseholdFactory)
    role = GuardianRole.PRIMARY
    civility = "mme"
    last_name = factory.Faker("last_name", locale="fr_FR")
    first_name = factory.Faker("first_name", locale="fr_FR")
    street_number = "12"
    street_name = "rue de la Roquette"
    postcode = "75011"
    city = "Paris"
    country = "France"
    email = factory.Sequence(lambda n: f"representant{n}@example.fr")


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    household = factory.SubFactory(HouseholdFactory)
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    birth_date = datetime.date(2018, 3, 14)
    sex = "f"


def household_for(user, caisse, *, state=HouseholdState.DRAFT, children=("Elie",), co_guardian=True):
    """A complete household of `user` in `caisse`, in `state`."""
    household = HouseholdFactory(caisse=caisse, state=state, is_single_parent=not co_guardian)
    if state != HouseholdState.DRAFT:
        household.submitted_at = datetime.datetime.now(datetime.UTC)
        household.save()
    GuardianFactory(
        household=household, user=user, first_name=user.first_name, last_name=user.last_name, email=user.email
    )
    if co_guardian:
        GuardianFactory(household=household, role=GuardianRole.CO_GUARDIAN, first_name="Patrick")
    for name in children:
        ChildFactory(household=household, first_name=name, last_name=user.last_name)
    return household
