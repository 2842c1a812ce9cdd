import datetime

import factory

from refectoire.schools.enums import SchoolKind
from refectoire.schools.models import School
from refectoire.schools.services import school_year_create
from tests.factories import CaisseFactory


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    caisse = factory.SubFactory(CaisseFactory)
    code = factory.Sequence(lambda n: f"E{n:04d}")
    name = factory.Sequence(lambda n: f"École élémentaire {n} rue Keller")
    kind = SchoolKind.ELEMENTAIRE
    address = "12 rue Keller, 75011 Paris"
    weekdays = "12345"


YEARS = {
    "2025-2026": (datetime.date(2025, 9, 1), datetime.date(2026, 7, 3)),
    "2026-2027": (datetime.date(2026, 9, 1), datetime.date(2027, 7, 2)),
}


def school_year(caisse, label="2026-2027", **kwargs):
    """A school year of `caisse` with its calendar computed (zone C), as managers create it."""
    from refectoire.schools.models import SchoolYear

    existing = SchoolYear.objects.filter(caisse=caisse, label=label).first()
    if existing:
        return existing
    first_day, last_day = YEARS[label]
    return school_year_create(caisse=caisse, label=label, first_day=first_day, last_day=last_day, **kwargs)
