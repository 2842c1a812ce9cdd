"""Factories of households (our own, for billing tests), periods, invoices and payments."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from refectoire.billing.enums import InvoiceKind, InvoiceState, LineKind
from refectoire.billing.models import Invoice, InvoiceLine
from refectoire.households.enums import GuardianRole
from refectoire.households.models import Child, Guardian
from refectoire.payments.models import PayfipSettings
from refectoire.schools.models import BillingPeriod, SchoolYear
from tests.factories import CaisseFactory, HouseholdFactory


class GuardianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guardian

    household = factory.SubFactory(HouseholdFactory)
    role = GuardianRole.PRIMARY
    civility = "mme"
    first_name = "Allison"
    last_name = "Lovinfosse"
    street_number = "12"
    street_name = "rue de la Roquette"
    postcode = "75011"
    city = "Paris"
    email = factory.Sequence(lambda n: f"titulaire{n}@example.fr")


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    household = factory.SubFactory(HouseholdFactory)
    reference = factory.Sequence(lambda n: f"E{n + 5000}")
    first_name = factory.Sequence(lambda n: f"Enfant{n}")
    last_name = "Lovinfosse"
    birth_date = datetime.date(2018, 3, 4)


def household_of(user, caisse, **kwargs):
    """A validated household of `caisse` whose account holder is `user`."""
    household = HouseholdFactory(caisse=caisse, **kwargs)
    GuardianFactory(
        household=household, user=user, first_name=user.first_name, last_name=user.last_name, email=user.email
    )
    return household


class SchoolYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolYear
        django_get_or_create = ["caisse", "label"]

    caisse = factory.SubFactory(CaisseFactory)
    label = "2026-2027"
    first_day = datetime.date(2026, 9, 1)
    last_day = datetime.date(2027, 7, 3)


class BillingPeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BillingPeriod
        django_get_or_create = ["caisse", "start_date"]

    caisse = factory.SubFactory(CaisseFactory)
    school_year = factory.LazyAttribute(lambda o: SchoolYearFactory(caisse=o.caisse))
    label = "Mars / Avril 2027"
    start_date = datetime.date(2027, 3, 1)
    end_date = datetime.date(2027, 4, 30)
    payment_opens_at = factory.LazyFunction(lambda: timezone.make_aware(datetime.datetime(2027, 4, 2, 14, 0)))
    due_date = datetime.date(2027, 5, 31)


class InvoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invoice
        skip_postgeneration_save = True

    caisse = factory.SubFactory(CaisseFactory)
    household = factory.LazyAttribute(lambda o: HouseholdFactory(caisse=o.caisse))
    period = factory.LazyAttribute(lambda o: BillingPeriodFactory(caisse=o.caisse))
    kind = InvoiceKind.INVOICE
    state = InvoiceState.DRAFT
    label = factory.LazyAttribute(lambda o: o.period.label if o.period else "")
    total = Decimal("42.00")
    due_date = factory.LazyAttribute(lambda o: o.period.due_date if o.period else None)
    payment_opens_at = factory.LazyAttribute(lambda o: o.period.payment_opens_at if o.period else None)

    class Params:
        issued = factory.Trait(
            state=InvoiceState.ISSUED,
            number=factory.Sequence(lambda n: 40945 + n),
            issued_at=factory.LazyFunction(timezone.now),
            payment_opens_at=None,
        )

    @factory.post_generation
    def with_line(self, create, extracted, **kwargs):
        if create and extracted is not False and self.kind == InvoiceKind.INVOICE:
            child = ChildFactory(household=self.household)
            meals = int(self.total / Decimal("3.50")) if self.total else 0
            InvoiceLine.objects.create(
                invoice=self,
                kind=LineKind.MEALS,
                child=child,
                label=child.full_name,
                meals=meals,
                unit_price=Decimal("3.50"),
                amount=self.total,
                days=[
                    (datetime.date(2027, 3, 1) + datetime.timedelta(days=i)).isoformat() for i in range(meals)
                ],
                bracket_number=4,
                family_quotient=Decimal("1100.00"),
                reason="tarif 4 — quotient familial 1100 €",
            )


class PayfipSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PayfipSettings
        django_get_or_create = ["caisse"]

    caisse = factory.SubFactory(CaisseFactory)
    numcli = "123456"
    mode = "T"
    backend = "payfip_ws"


def another_period(caisse, *, month=1):
    """January / February 2027 (or another first month), for a second invoice of a household."""
    start = datetime.date(2027, month, 1)
    end = (start + datetime.timedelta(days=62)).replace(day=1) - datetime.timedelta(days=1)
    return BillingPeriodFactory(
        caisse=caisse, start_date=start, end_date=end, label=f"Période {start:%m/%Y}", payment_opens_at=None
    )
