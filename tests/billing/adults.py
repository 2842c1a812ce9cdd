"""Helpers of the adult-meal billing tests: a validated registration to the restauration adulte."""

import datetime
from decimal import Decimal

from refectoire.adultmeals.enums import AdultRole, Employer
from refectoire.adultmeals.models import AdultRegistration
from refectoire.adultmeals.services import adult_registration_submit, adult_registration_validate
from refectoire.billing.enums import LineKind
from refectoire.billing.models import Invoice, InvoiceLine
from tests.billing.factories import BillingPeriodFactory, InvoiceFactory
from tests.factories import UserFactory
from tests.schools.factories import SchoolFactory

D = datetime.date


def adult(caisse, school, *, agent, user=None, weekdays="124", starts_on=None, ends_on=None):
    """A registration of `user` (a new teacher by default) to `school`'s canteen, validated by `agent`."""
    registration = adult_registration_submit(
        caisse=caisse,
        user=user or UserFactory(),
        school=school,
        role=AdultRole.TEACHER,
        employer=Employer.NATIONAL_EDUCATION,
        weekdays=weekdays,
        starts_on=starts_on or D(2027, 1, 4),
    )
    adult_registration_validate(registration=registration, actor=agent)
    if ends_on is not None:
        AdultRegistration.objects.filter(pk=registration.pk).update(ends_on=ends_on)
    registration.refresh_from_db()
    return registration


def adult_invoice(period, registration) -> Invoice:
    return Invoice.objects.get(period=period, adult_registration=registration, kind="invoice")


def weekdays_between(first, last, isoweekdays) -> list:
    days, day = [], first
    while day <= last:
        if day.isoweekday() in isoweekdays:
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


def teacher_and_registration(caisse, agent):
    """Claire Fontaine, teacher at « École Keller », registered and validated."""
    teacher = UserFactory(
        first_name="Claire",
        last_name="Fontaine",
        email="claire.fontaine@example.fr",
        street_number="3",
        street_name="rue Keller",
        postcode="75011",
        city="Paris",
    )
    registration = adult(caisse, SchoolFactory(caisse=caisse, name="École Keller"), agent=agent, user=teacher)
    return teacher, registration


def issued_adult_invoice(caisse, registration, *, number, total=Decimal("45.00"), period=None, **kwargs):
    invoice = InvoiceFactory(
        caisse=caisse,
        household=None,
        adult_registration=registration,
        period=period or BillingPeriodFactory(caisse=caisse),
        issued=True,
        number=number,
        total=total,
        with_line=False,
        **kwargs,
    )
    InvoiceLine.objects.create(
        invoice=invoice,
        kind=LineKind.ADULT_MEALS,
        label=f"Repas au planning — {registration.school.name}",
        meals=int(total / Decimal("7.50")),
        unit_price=Decimal("7.50"),
        amount=total,
        days=["2027-03-01", "2027-03-02"],
        reason="prix du repas adulte, grille 2026-2027 (version 1)",
    )
    return invoice
