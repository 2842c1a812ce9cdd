import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from refectoire.households.enums import GuardianRole
from refectoire.households.models import Child, Guardian
from refectoire.schools.enums import SchoolKind
from refectoire.schools.models import School
from refectoire.stays.enums import SchoolLevel
from refectoire.stays.models import HolidayStay, StayApplication, StayChoice, StayPrice, StayProfile
from tests.factories import CaisseFactory, HouseholdFactory, UserFactory


class GuardianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guardian

    household = factory.SubFactory(HouseholdFactory)
    user = factory.SubFactory(UserFactory)
    role = GuardianRole.PRIMARY
    first_name = factory.LazyAttribute(lambda o: o.user.first_name if o.user else "Sam")
    last_name = factory.LazyAttribute(lambda o: o.user.last_name if o.user else "Martin")
    email = factory.LazyAttribute(lambda o: o.user.email if o.user else "")
    mobile_phone = "06 12 34 56 78"


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    household = factory.SubFactory(HouseholdFactory)
    first_name = factory.Sequence(lambda n: f"Enfant{n}")
    last_name = "Martin"
    reference = factory.Sequence(lambda n: f"E{n:05d}")
    birth_date = datetime.date(2017, 3, 14)


class StayProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StayProfile

    child = factory.SubFactory(ChildFactory)
    school_level = SchoolLevel.CE2
    emergency_contact_1_name = "Mamie Jeanne"
    emergency_contact_1_phone = "06 00 00 00 01"


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    caisse = factory.SubFactory(CaisseFactory)
    code = factory.Sequence(lambda n: f"ECOLE{n}")
    name = factory.Sequence(lambda n: f"École élémentaire {n} rue de Meaux")
    kind = SchoolKind.ELEMENTAIRE
    weekdays = "12345"


def _today():
    return timezone.localdate()


class HolidayStayFactory(factory.django.DjangoModelFactory):
    """A published stay, open for applications today (the window closes in 10 days)."""

    class Meta:
        model = HolidayStay
        skip_postgeneration_save = True

    caisse = factory.SubFactory(CaisseFactory)
    title = factory.Sequence(lambda n: f"Séjour {n}")
    description = "Une semaine à la montagne."
    place = "Samoëns (Haute-Savoie)"
    application_opens_on = factory.LazyFunction(lambda: _today() - datetime.timedelta(days=5))
    application_closes_on = factory.LazyFunction(lambda: _today() + datetime.timedelta(days=10))
    start_date = factory.LazyFunction(lambda: _today() + datetime.timedelta(days=40))
    end_date = factory.LazyAttribute(lambda o: o.start_date + datetime.timedelta(days=6))
    age_min = 6
    age_max = 12
    school_levels = factory.LazyFunction(list)
    capacity = 10
    fixed_price = None
    is_published = True

    class Params:
        closed = factory.Trait(
            application_opens_on=factory.LazyFunction(lambda: _today() - datetime.timedelta(days=20)),
            application_closes_on=factory.LazyFunction(lambda: _today() - datetime.timedelta(days=1)),
        )

    @factory.post_generation
    def with_prices(self, create, extracted, **kwargs):
        if create and extracted is not False and self.fixed_price is None:
            for bracket in range(1, 11):
                StayPrice.objects.create(stay=self, bracket_number=bracket, price=Decimal(30 * bracket))


class StayApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StayApplication

    child = factory.SubFactory(ChildFactory)
    household = factory.LazyAttribute(lambda o: o.child.household)
    caisse = factory.LazyAttribute(lambda o: o.child.household.caisse)


class StayChoiceFactory(factory.django.DjangoModelFactory):
    """A wish: pass stay= and child= (the application is made for the child)."""

    class Meta:
        model = StayChoice

    stay = factory.SubFactory(HolidayStayFactory)
    child = factory.SubFactory(ChildFactory, household__caisse=factory.SelfAttribute("...stay.caisse"))
    application = factory.SubFactory(StayApplicationFactory, child=factory.SelfAttribute("..child"))
    rank = 1


def family(caisse, *, user=None, children=1, level=SchoolLevel.CE2, birth_date=datetime.date(2017, 3, 14)):
    """A validated household of `caisse` with `user` as primary guardian and `children` children."""
    household = HouseholdFactory(caisse=caisse)
    GuardianFactory(household=household, user=user or UserFactory())
    kids = []
    for _ in range(children):
        child = ChildFactory(household=household, birth_date=birth_date)
        if level:
            StayProfileFactory(child=child, school_level=level)
        kids.append(child)
    return household, kids


def pdf_bytes() -> bytes:
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png_bytes() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 105, 92)).save(out, format="PNG")
    return out.getvalue()


def pdf_upload(name="fiche.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def png_upload(name="photo.png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")
