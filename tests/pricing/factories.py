"""Factories of the pricing tests: school years, the Paris grid, validated households."""

import datetime

import factory

from refectoire.households.enums import GuardianRole
from refectoire.households.models import Child, Guardian
from refectoire.pricing import grids
from refectoire.pricing.grids import PARIS_ADULT_MEAL_PRICE, PARIS_BRACKETS, PARIS_EXCEPTIONAL_MEAL_PRICE
from refectoire.schools.models import SchoolYear
from tests.factories import HouseholdFactory

YEARS = {
    "2025-2026": (datetime.date(2025, 9, 1), datetime.date(2026, 7, 3)),
    "2026-2027": (datetime.date(2026, 9, 1), datetime.date(2027, 7, 2)),
}


def school_year(caisse, label="2026-2027"):
    first_day, last_day = YEARS[label]
    year, _ = SchoolYear.objects.get_or_create(
        caisse=caisse, label=label, defaults={"first_day": first_day, "last_day": last_day}
    )
    return year


def paris_grid(caisse, label="2026-2027"):
    """The Paris grid of the reference for `caisse` and the school year `label`."""
    return grids.tariff_grid_create(
        caisse=caisse,
        school_year=school_year(caisse, label),
        brackets=PARIS_BRACKETS,
        adult_meal_price=PARIS_ADULT_MEAL_PRICE,
        exceptional_meal_price=PARIS_EXCEPTIONAL_MEAL_PRICE,
    )


class GuardianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guardian

    household = factory.SubFactory(HouseholdFactory)
    role = GuardianRole.PRIMARY
    civility = "mme"
    first_name = "Allison"
    last_name = "Lovinfosse"
    birth_name = "Lovinfosse"
    birth_date = datetime.date(1985, 5, 17)
    email = factory.Sequence(lambda n: f"titulaire{n}@example.fr")


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    household = factory.SubFactory(HouseholdFactory)
    first_name = factory.Sequence(lambda n: f"Enfant{n}")
    last_name = "Lovinfosse"
    birth_date = datetime.date(2018, 3, 4)
    sex = "f"


def household_of(user, caisse, *, children=2, **kwargs):
    """A validated household of `caisse` whose account holder is `user`, with `children` children."""
    household = HouseholdFactory(caisse=caisse, **kwargs)
    GuardianFactory(
        household=household,
        user=user,
        first_name=user.first_name,
        last_name=user.last_name,
        birth_name=user.last_name,
        email=user.email,
    )
    for _ in range(children):
        ChildFactory(household=household, last_name=user.last_name)
    return household


# --- files ---------------------------------------------------------------------------------------


def pdf_bytes(text: str = "Attestation CAF") -> bytes:
    """A small valid one-page PDF."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": text})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def png_bytes() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def upload(name="attestation.pdf", content=None, content_type="application/pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, pdf_bytes() if content is None else content, content_type=content_type)
