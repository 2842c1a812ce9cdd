"""A household with every kind of personal record, each value a token the scan can look for."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from refectoire.accounts.models import AccessLog, CguAcceptance
from refectoire.adultmeals.models import AdultRegistration
from refectoire.billing.enums import InvoiceKind, InvoiceState, LineKind
from refectoire.billing.models import Invoice, InvoiceLine
from refectoire.core.models import OutboxEmail
from refectoire.documents.services import document_store
from refectoire.enrollment.models import Absence, AbsenceReason, Enrollment
from refectoire.households.enums import ChangeKind, GuardianRole
from refectoire.households.models import Child, Guardian, HouseholdChange, HouseholdEvent
from refectoire.messaging.models import Conversation, Message
from refectoire.payments.enums import OperationState, PaymentMethod
from refectoire.payments.models import PayfipOperation, Payment, PaymentAllocation
from refectoire.pricing.enums import DecisionSource, IncomeSource, TariffRequestReason
from refectoire.pricing.models import TariffDecision, TariffRequest
from refectoire.requests.enums import EventKind, RequestKind, RequestState
from refectoire.requests.models import Request, RequestEvent
from refectoire.schools.models import School, SchoolYear
from refectoire.stays.enums import SchoolLevel
from refectoire.stays.models import StayApplication, StayChoice, StayProfile
from tests.factories import HouseholdFactory, UserFactory
from tests.requests.factories import pdf_upload
from tests.stays.factories import HolidayStayFactory


@dataclass
class Built:
    household: object
    tokens: list[str] = field(default_factory=list)  # every personal value written


def build_household(caisse, token, *, years_ago: int = 12, children: int = 1) -> Built:
    """A household of `caisse` whose every personal value contains `token` (letters only), its
    activity ending `years_ago` years ago (so that it is due, accounting retention included)."""
    t = token
    built = Built(HouseholdFactory(caisse=caisse))
    household = built.household
    names = [
        f"Nom{t}",
        f"Prenom{t}",
        f"Naissance{t}",
        f"{t.lower()}@exemple.fr",
        f"06{abs(hash(t)) % 10**8:08d}",
    ]
    user = UserFactory(first_name=names[1], last_name=names[0], email=names[3], street_name=f"rue {t}")
    guardian = Guardian.objects.create(
        household=household,
        user=user,
        role=GuardianRole.PRIMARY,
        civility="mme",
        first_name=names[1],
        last_name=names[0],
        birth_name=names[2],
        birth_date=datetime.date(1980, 1, 2),
        street_name=f"rue {t}",
        postcode="75011",
        city="Paris",
        mobile_phone=names[4],
        email=names[3],
        benefits_number=f"CAF{t[:8]}",
    )
    guardian.first_name = f"Prenom{t}"  # a history row with the same values
    guardian.save()
    co = Guardian.objects.create(
        household=household,
        role=GuardianRole.CO_GUARDIAN,
        first_name=f"Co{t}",
        last_name=names[0],
        email=f"co{t.lower()}@exemple.fr",
    )
    built.tokens += [*names, f"rue {t}", f"CAF{t[:8]}", co.first_name, co.email]
    year, _ = SchoolYear.objects.get_or_create(
        caisse=caisse,
        label="2013-2014",
        defaults={"first_day": datetime.date(2013, 9, 2), "last_day": datetime.date(2014, 7, 4)},
    )
    school, _ = School.objects.get_or_create(
        caisse=caisse, code="E-ROQ", defaults={"name": "École Roquette", "kind": "elementaire"}
    )
    long_ago = timezone.now() - datetime.timedelta(days=365 * years_ago)
    for number in range(children):
        child = Child.objects.create(
            household=household,
            first_name=f"Enfant{number}{t}",
            last_name=names[0],
            birth_date=datetime.date(2008, 3, 4),
        )
        built.tokens.append(child.first_name)
        Enrollment.objects.create(
            caisse=caisse,
            household=household,
            child=child,
            school_year=year,
            school=school,
            weekdays="12345",
            start_date=year.first_day,
            end_date=year.last_day,
            cancelled_reason=f"Désinscrit {t}",
        )
        reason, _ = AbsenceReason.objects.get_or_create(caisse=caisse, label="Maladie")
        Absence.objects.create(
            household=household,
            child=child,
            first_day=datetime.date(2014, 1, 6),
            last_day=datetime.date(2014, 1, 7),
            reason=reason,
            comment=f"Angine de {child.first_name}",
        )
        profile = StayProfile.objects.create(
            child=child,
            school_level=SchoolLevel.CE2,
            emergency_contact_1_name=f"Urgence{t}",
            emergency_contact_1_phone="0611223344",
        )
        built.tokens.append(profile.emergency_contact_1_name)
        stay = HolidayStayFactory(caisse=caisse)
        application = StayApplication.objects.create(caisse=caisse, household=household, child=child)
        StayChoice.objects.create(application=application, child=child, stay=stay, rank=1)
        invoice = Invoice.objects.create(
            caisse=caisse,
            household=household,
            kind=InvoiceKind.INVOICE,
            state=InvoiceState.ISSUED,
            number=Invoice.objects.count() + 90000,
            label=f"Séjour — {child.first_name}",
            total=Decimal("42.00"),
            amount_paid=Decimal("42.00"),
            issued_at=long_ago,
        )
        InvoiceLine.objects.create(
            invoice=invoice,
            kind=LineKind.MEALS,
            child=child,
            label=f"Repas de {child.first_name} {names[0]}",
            meals=12,
            unit_price=Decimal("3.50"),
            amount=Decimal("42.00"),
            family_quotient=Decimal("1100.00"),
        )
        payment = Payment.objects.create(
            caisse=caisse,
            household=household,
            method=PaymentMethod.CHEQUE,
            amount=Decimal("42.00"),
            paid_on=long_ago.date(),
            reference="CHQ 1234",
        )
        PaymentAllocation.objects.create(payment=payment, invoice=invoice, amount=Decimal("42.00"))
        PayfipOperation.objects.create(
            caisse=caisse,
            household=household,
            user=user,
            idop=f"op{abs(hash(t)) % 10**9}-{number}",
            refdet=f"R{number}",
            amount=Decimal("42.00"),
            email=names[3],
            state=OperationState.PAID,
            bank_data={"mel": names[3]},
        )
    TariffRequest.objects.create(
        caisse=caisse,
        household=household,
        school_year=year,
        reason=TariffRequestReason.YEARLY,
        sent_at=long_ago,
        sent_by=user,
        income_source=IncomeSource.CAF_ATTESTATION,
        benefits_number=f"CAF{t[:8]}",
        declared_qf=Decimal("1234.56"),
        api_payload={"allocataires": [{"nom": names[0], "prenoms": names[1]}]},
        agent_message=f"Merci {names[1]}",
    )
    TariffDecision.objects.create(
        caisse=caisse,
        household=household,
        school_year=year,
        bracket_number=4,
        family_quotient=Decimal("1234.56"),
        start_date=year.first_day,
        decided_on=year.first_day,
        source=DecisionSource.REQUEST,
    )
    request = Request.objects.create(
        caisse=caisse,
        household=household,
        kind=RequestKind.SITUATION,
        state=RequestState.ACCEPTED,
        data={"adresse": f"rue {t}", "motif": f"Déménagement de {names[1]}"},
        created_by=user,
    )
    RequestEvent.objects.create(
        request=request, kind=EventKind.MESSAGE, message=f"Bonjour, je suis {names[1]}"
    )
    conversation = Conversation.objects.create(caisse=caisse, household=household, subject=f"Question {t}")
    Message.objects.create(conversation=conversation, author=user, body=f"Signé {names[1]} {names[0]}")
    HouseholdEvent.objects.create(household=household, action="validate", message=f"Validé pour {names[0]}")
    HouseholdChange.objects.create(
        household=household, kind=ChangeKind.ADD_CHILD, data={"first_name": f"Nouveau{t}"}, reason=f"Pour {t}"
    )
    built.tokens.append(f"Nouveau{t}")
    document_store(
        caisse=caisse, household=household, uploaded_file=pdf_upload(f"avis-{t}.pdf"), kind="income_proof"
    )
    built.tokens.append(f"avis-{t}.pdf")
    AdultRegistration.objects.create(
        caisse=caisse,
        user=user,
        school=school,
        role="atsem",
        employer="ville",
        employer_name=f"Employeur{t}",
        weekdays="12",
        starts_on=datetime.date(2013, 9, 2),
        ends_on=datetime.date(2014, 7, 4),
        state="cancelled",
    )
    built.tokens.append(f"Employeur{t}")
    OutboxEmail.objects.create(
        subject=f"Bonjour {names[1]}", from_email="x@y.fr", to=names[3], body=names[0], raw=b""
    )
    CguAcceptance.objects.create(user=user, caisse=caisse)
    AccessLog.objects.create(
        caisse=caisse,
        agent=None,
        agent_name="Agent",
        kind="household",
        object_id="1",
        household_id=household.pk,
    )
    # Nothing recent: the household is as old as its activity.
    Request.objects.filter(household=household).update(
        created_at=long_ago, submitted_at=long_ago, closed_at=long_ago
    )
    StayApplication.objects.filter(household=household).update(created_at=long_ago)
    type(household).objects.filter(pk=household.pk).update(created_at=long_ago, updated_at=long_ago)
    type(user).objects.filter(pk=user.pk).update(last_login=long_ago, date_joined=long_ago)
    return built
