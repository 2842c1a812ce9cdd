"""Helpers of the adult-meal billing tests: a validated registration to the restauration adulte."""

import datetime

from refectoire.adultmeals.enums import AdultRole, Employer
from refectoire.adultmeals.models import AdultRegistration
from refectoire.adultmeals.services import adult_registration_submit, adult_registration_validate
from refectoire.billing.models import Invoice
from tests.factories import UserFactory

D = datetime.date


def adult(caisse, school, *, agent, user=None, weekdays="124", starts_on=D(2027, 1, 4), ends_on=None):
    """A registration of `user` (a new teacher by default) to `school`'s canteen, validated by `agent`."""
    registration = adult_registration_submit(
        caisse=caisse,
        user=user or UserFactory(),
        school=school,
        role=AdultRole.TEACHER,
        employer=Employer.NATIONAL_EDUCATION,
        weekdays=weekdays,
        starts_on=starts_on,
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
