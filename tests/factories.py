import datetime

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from refectoire.accounts.identifiers import random_identifier
from refectoire.accounts.models import User
from refectoire.caisses.enums import AgentRoleKind
from refectoire.caisses.models import AgentRole, Caisse
from refectoire.households.enums import HouseholdState
from refectoire.households.models import Household
from refectoire.messaging.models import NewsItem

PASSWORD = "Cantine2026"


class CaisseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Caisse
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"cde{n + 20}")
    name = factory.LazyAttribute(lambda o: f"Caisse des écoles {o.slug}")
    logo_text = factory.LazyAttribute(lambda o: f"Caisse\n{o.slug}")
    contact_email = factory.LazyAttribute(lambda o: f"contact@{o.slug}.example.fr")
    cgu_text = "Article 1 — Objet\nLes présentes conditions…"
    cgu_updated_at = factory.LazyFunction(timezone.now)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.LazyFunction(random_identifier)
    email = factory.Sequence(lambda n: f"personne{n}@example.fr")
    civility = "mme"
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    birth_date = datetime.date(1985, 5, 17)
    street_number = "12"
    street_name = "rue de la Roquette"
    postcode = "75011"
    city = "Paris"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if create:
            self.save()
            EmailAddress.objects.get_or_create(
                user=self, email=self.email, defaults={"verified": extracted is not False, "primary": True}
            )


class AgentRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgentRole

    caisse = factory.SubFactory(CaisseFactory)
    user = factory.SubFactory(UserFactory)
    role = AgentRoleKind.AGENT

    class Params:
        manager = factory.Trait(role=AgentRoleKind.MANAGER)


class NewsItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NewsItem

    caisse = factory.SubFactory(CaisseFactory)
    title = factory.Sequence(lambda n: f"Actualité {n}")
    body = "Le texte de l'actualité."
    publish_date = factory.LazyFunction(timezone.localdate)


class HouseholdFactory(factory.django.DjangoModelFactory):
    """A validated household (the state most tests start from); pass `state=` for another."""

    class Meta:
        model = Household

    caisse = factory.SubFactory(CaisseFactory)
    reference = factory.Sequence(lambda n: f"F{n:05d}")
    state = HouseholdState.VALIDATED
