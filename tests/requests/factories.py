import datetime
import io

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from refectoire.households.enums import GuardianRole
from refectoire.households.models import Child, Guardian
from tests.factories import HouseholdFactory


class GuardianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guardian

    household = factory.SubFactory(HouseholdFactory)
    role = GuardianRole.PRIMARY
    first_name = factory.LazyAttribute(lambda o: o.user.first_name if o.user else "Camille")
    last_name = factory.LazyAttribute(lambda o: o.user.last_name if o.user else "Martin")
    email = factory.LazyAttribute(lambda o: o.user.email if o.user else "camille@example.fr")
    street_number = "12"
    street_name = "rue de la Roquette"
    postcode = "75011"
    city = "Paris"
    user = None


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    household = factory.SubFactory(HouseholdFactory)
    first_name = factory.Sequence(lambda n: f"Enfant{n}")
    last_name = "Lovinfosse"
    birth_date = datetime.date(2018, 3, 14)


def household_of(user, caisse, *, children=1):
    household = HouseholdFactory(caisse=caisse)
    GuardianFactory(household=household, user=user)
    for _ in range(children):
        ChildFactory(household=household, last_name=user.last_name)
    return household


def pdf_bytes(*, encrypt: bool = False) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if encrypt:
        writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(out, format="PNG")
    return out.getvalue()


def pdf_upload(name="certificat.pdf", **kwargs):
    return SimpleUploadedFile(name, pdf_bytes(**kwargs), content_type="application/pdf")


def last_school_week(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """Monday and Friday of the week before this one (always within 30 days)."""
    monday = today - datetime.timedelta(days=today.weekday() + 7)
    return monday, monday + datetime.timedelta(days=4)


def enroll(child, *, start=None, end=None):
    """Enroll `child` Monday to Friday for a school year around today, when enrollment is installed.

    On a branch without the enrollment app, canteen days are every Monday to Friday and the
    first day of enrollment is the school year's first day: the school year alone is created.
    """
    from django.utils import timezone

    from refectoire.schools.models import School, SchoolYear

    today = timezone.localdate()
    start = start or today - datetime.timedelta(days=90)
    end = end or today + datetime.timedelta(days=200)
    household = child.household
    year, _created = SchoolYear.objects.get_or_create(
        caisse=household.caisse,
        label=f"{start.year}-{start.year + 1}",
        defaults={"first_day": start, "last_day": end},
    )
    try:
        from refectoire.enrollment.models import Enrollment
    except ImportError:
        return year
    school, _created = School.objects.get_or_create(
        caisse=household.caisse, code="E-ROQUETTE", defaults={"name": "École Roquette", "kind": "elementaire"}
    )
    Enrollment.objects.create(
        caisse=household.caisse,
        household=household,
        child=child,
        school_year=year,
        school=school,
        weekdays="12345",
        start_date=start,
        end_date=end,
    )
    return year


def stored_document(household, kind="medical_certificate", name="certificat.pdf"):
    """A document the household has sent (checked and stored as the portal stores it)."""
    from refectoire.documents.services import document_store

    return document_store(
        caisse=household.caisse, household=household, uploaded_file=pdf_upload(name), kind=kind
    )
