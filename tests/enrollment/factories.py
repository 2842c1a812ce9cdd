import factory

from refectoire.households.enums import GuardianRole, HouseholdState
from refectoire.households.models import Child, Guardian
from tests.factories import HouseholdFactory


class GuardianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guardian

    household = factory.SubFactory(HouseholdFactory)
    role = GuardianRole.PRIMARY
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    email = factory.Sequence(lambda n: f"responsable{n}@example.fr")


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    household = factory.SubFactory(HouseholdFactory)
    reference = factory.Sequence(lambda n: f"C{n:05d}")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")


def family(caisse, user=None, *, state=HouseholdState.VALIDATED, children=1):
    """A household of `caisse` whose account holder is `user`, with its children."""
    household = HouseholdFactory(caisse=caisse, state=state)
    GuardianFactory(household=household, user=user)
    kids = [ChildFactory(household=household) for _ in range(children)]
    return household, kids
