"""Demo: a teacher in cde11 and an ATSEM in cde19 eat at the canteen (restauration adulte).

Their registrations are validated by the Caisse's agent from the rentrée 2026, with a few meals
off-schedule; the billing step (which runs before this one, refectoire/demo/steps.py) seeds them
first through `seed_registrations`, so that the first billing period gives them their invoices too.
"""

import datetime

from refectoire.adultmeals.models import AdultRegistration
from refectoire.adultmeals.services import (
    adult_extra_meals_record,
    adult_registration_submit,
    adult_registration_validate,
)
from refectoire.caisses.models import AgentRole, Caisse
from refectoire.demo.people import ADULTS, demo_account

STARTS_ON = datetime.date(2026, 9, 1)


def seed_registrations(*, caisse) -> list[AdultRegistration]:
    """The demo adults of `caisse`, registered to its first school and validated (idempotent)."""
    school = caisse.schools.order_by("code").first()
    agent = AgentRole.objects.filter(caisse=caisse).select_related("user").order_by("pk").first()
    if school is None:
        return []
    made = []
    for slug, username, email, civility, first, last, role, employer, weekdays, extras in ADULTS:
        if slug != caisse.slug:
            continue
        user = demo_account(
            username=username,
            email=email,
            caisse=caisse,
            civility=civility,
            first_name=first,
            last_name=last,
            birth_date=datetime.date(1982, 2, 11),
            street_number="8",
            street_name="rue Saint-Maur" if slug == "cde11" else "rue de Crimée",
            postcode="75011" if slug == "cde11" else "75019",
        )
        registration = AdultRegistration.objects.filter(caisse=caisse, user=user).first()
        if registration is None:
            actor = agent.user if agent else None
            registration = adult_registration_submit(
                caisse=caisse,
                user=user,
                school=school,
                role=role,
                employer=employer,
                weekdays="".join(day for day in weekdays if day in school.weekdays),
                starts_on=STARTS_ON,
            )
            registration = adult_registration_validate(registration=registration, actor=actor)
            for day, count in extras:
                adult_extra_meals_record(registration=registration, day=day, count=count, actor=actor)
        made.append(registration)
    return made


def seed(*, stdout):
    for caisse in Caisse.objects.filter(slug__in={adult[0] for adult in ADULTS}):
        for registration in seed_registrations(caisse=caisse):
            stdout.write(f"  /{caisse.slug}/  restauration adulte de {registration.user.username} validée")
