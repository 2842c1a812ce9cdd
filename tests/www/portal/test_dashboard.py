"""« Mon espace »: « À faire » first (each kind appears, with its deadline and its button, and leaves
once done), one card per child, then the services by group; nothing of another family."""

import datetime
import html
from decimal import Decimal

import pytest
from django.utils import timezone

from refectoire.billing.enums import InvoiceState
from refectoire.enrollment.enums import AbsenceState
from refectoire.enrollment.models import Absence, AbsenceReason
from refectoire.households.enums import HouseholdState
from refectoire.pricing import grids
from refectoire.pricing.enums import IncomeSource, TariffRequestState
from refectoire.pricing.grids import PARIS_ADULT_MEAL_PRICE, PARIS_BRACKETS, PARIS_EXCEPTIONAL_MEAL_PRICE
from refectoire.pricing.models import TariffRequest
from refectoire.requests.enums import RequestKind, RequestState
from refectoire.requests.models import Request
from refectoire.schools.models import SchoolYear
from refectoire.stays.enums import ChoiceState
from refectoire.stays.models import StayApplication, StayChoice
from refectoire.www.portal.todo import family_dashboard
from tests.billing.factories import InvoiceFactory
from tests.billing.runs import billing_setup, enrolled_family
from tests.households.factories import household_for
from tests.stays.factories import HolidayStayFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 7)  # a Monday of the 2026-2027 school year


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def setup(cde11):
    return billing_setup(cde11)


@pytest.fixture
def family(cde11, setup, parent_a):
    year, school, _period = setup
    household, kids = enrolled_family(cde11, year, school, children=2)
    household.guardians.update(user=parent_a, email=parent_a.email)
    return household, kids


def kinds(household, today=TODAY):
    return [item.kind for item in family_dashboard(household=household, today=today).todo]


def test_nothing_due_says_so_in_one_sentence(client, curl, cde11, parent_a, family):
    client.force_login(parent_a)
    page = text(client.get(curl(cde11, "portal:dashboard")))
    assert "Rien à faire pour le moment : tout est à jour." in page
    assert page.index("À faire") < page.index("Mes enfants") < page.index("Mes services")


def test_an_unpaid_invoice_is_to_pay_before_its_due_date_and_leaves_once_paid(
    client, curl, cde11, parent_a, family
):
    household, _kids = family
    invoice = InvoiceFactory(caisse=cde11, household=household, issued=True, total=Decimal("42.50"))
    client.force_login(parent_a)
    page = text(client.get(curl(cde11, "portal:dashboard")))
    assert f"Facture n° {invoice.number}" in page
    assert "42,50\xa0€ à régler avant le 31/05/2027." in page
    assert "Avant le 31/05/2027" in page
    assert f'href="{curl(cde11, "portal:invoice_detail", invoice_uuid=invoice.uuid)}">Payer' in page
    invoice.amount_paid = invoice.total
    invoice.save()
    assert "invoice" not in kinds(household)


def test_the_most_urgent_item_comes_first(cde11, family):
    household, _kids = family
    later = InvoiceFactory(caisse=cde11, household=household, issued=True)
    sooner = InvoiceFactory(
        caisse=cde11,
        household=household,
        issued=True,
        period=later.period.__class__.objects.create(
            caisse=cde11,
            school_year=later.period.school_year,
            label="Janvier 2027",
            start_date=datetime.date(2027, 1, 1),
            end_date=datetime.date(2027, 1, 31),
            due_date=datetime.date(2027, 2, 28),
        ),
    )
    Request.objects.create(
        caisse=cde11, household=household, kind=RequestKind.CORRECTION, state=RequestState.INCOMPLETE
    )
    todo = family_dashboard(household=household, today=TODAY).todo
    assert [item.kind for item in todo] == ["invoice", "invoice", "request"]
    assert str(sooner.number) in todo[0].title and str(later.number) in todo[1].title


def test_a_child_to_enroll_for_next_year_while_the_campaign_is_open(cde11, family):
    household, kids = family
    next_year = SchoolYear.objects.create(
        caisse=cde11,
        label="2027-2028",
        first_day=datetime.date(2027, 9, 1),
        last_day=datetime.date(2028, 7, 1),
        enrollment_opens_on=datetime.date(2026, 12, 1),
        enrollment_closes_on=datetime.date(2027, 6, 30),
    )
    todo = [
        item for item in family_dashboard(household=household, today=TODAY).todo if item.kind == "enrollment"
    ]
    assert len(todo) == 2 and todo[0].deadline == datetime.date(2027, 6, 30)
    assert f"Inscrire {kids[0].first_name} à la cantine pour 2027-2028" in [item.title for item in todo]
    # Closed campaign: nothing to do.
    assert "enrollment" not in kinds(household, today=datetime.date(2027, 7, 1))
    from refectoire.enrollment.services import enrollment_create

    for child in kids:
        enrollment_create(
            household=household,
            child=child,
            school=household.enrollments.first().school,
            school_year=next_year,
            weekdays="1245",
            custody="full",
        )
    assert "enrollment" not in kinds(household)


def test_next_years_tariff_request_to_make_then_gone_once_sent(cde11, family, parent_a):
    household, _kids = family
    year = SchoolYear.objects.create(
        caisse=cde11,
        label="2027-2028",
        first_day=datetime.date(2027, 9, 1),
        last_day=datetime.date(2028, 7, 1),
    )
    assert "tariff" not in kinds(household)  # no grid yet: nothing to ask
    grids.tariff_grid_create(
        caisse=cde11,
        school_year=year,
        brackets=PARIS_BRACKETS,
        adult_meal_price=PARIS_ADULT_MEAL_PRICE,
        exceptional_meal_price=PARIS_EXCEPTIONAL_MEAL_PRICE,
    )
    item = next(
        item for item in family_dashboard(household=household, today=TODAY).todo if item.kind == "tariff"
    )
    assert item.title == "Demande de tarif 2027-2028 à faire" and item.deadline == year.first_day
    request = TariffRequest.objects.create(
        caisse=cde11,
        household=household,
        school_year=year,
        state=TariffRequestState.SENT,
        income_source=IncomeSource.CAF_ATTESTATION,
        sent_at=timezone.now(),
    )
    assert "tariff" not in kinds(household)
    request.state = TariffRequestState.NEEDS_INFO
    request.agent_message = "Il manque l'avis d'imposition."
    request.save()
    item = next(
        item for item in family_dashboard(household=household, today=TODAY).todo if item.kind == "tariff_info"
    )
    assert item.text == "Il manque l'avis d'imposition."


def test_an_illness_declared_late_is_to_justify_until_the_refund_is_sent(cde11, family, parent_a):
    household, kids = family
    illness = AbsenceReason.objects.create(caisse=cde11, label="Maladie", is_illness=True)
    Absence.objects.create(
        household=household,
        child=kids[0],
        first_day=TODAY,
        last_day=TODAY + datetime.timedelta(days=2),
        reason=illness,
        notice_kept=False,
        state=AbsenceState.PENDING,
    )
    item = next(
        item for item in family_dashboard(household=household, today=TODAY).todo if item.kind == "absence"
    )
    assert item.deadline == TODAY + datetime.timedelta(days=30) and item.action == "Envoyer le certificat"
    refund = Request.objects.create(
        caisse=cde11,
        household=household,
        kind=RequestKind.ILLNESS_REFUND,
        state=RequestState.SUBMITTED,
        submitted_at=timezone.now(),
    )
    refund.children.add(kids[0])
    assert "absence" not in kinds(household)


def test_a_request_to_complete_and_a_stay_place_to_confirm(cde11, family):
    household, kids = family
    request = Request.objects.create(
        caisse=cde11, household=household, kind=RequestKind.SITUATION, state=RequestState.INCOMPLETE
    )
    assert "request" in kinds(household)
    request.state = RequestState.IN_PROGRESS
    request.save()
    assert "request" not in kinds(household)

    stay = HolidayStayFactory(caisse=cde11)
    application = StayApplication.objects.create(caisse=cde11, household=household, child=kids[0])
    choice = StayChoice.objects.create(
        application=application,
        child=kids[0],
        stay=stay,
        rank=1,
        state=ChoiceState.ALLOCATED,
        confirm_by=timezone.now() + datetime.timedelta(days=3),
    )
    item = next(
        item for item in family_dashboard(household=household, today=TODAY).todo if item.kind == "stay"
    )
    assert item.action == "Confirmer la place" and kids[0].first_name in item.title
    choice.state = ChoiceState.CONFIRMED
    choice.save()
    assert "stay" not in kinds(household)


def test_one_card_per_child_with_school_days_tariff_and_planning(client, curl, cde11, parent_a, family):
    household, kids = family
    client.force_login(parent_a)
    response = client.get(curl(cde11, "portal:dashboard"))
    page = text(response)
    for child in kids:
        assert f"Planning d'{child.first_name}" in page  # « Enfant2 »: « d' » before a vowel
    enrollment = household.enrollments.first()
    assert enrollment.school.name in page and "Lundi, Mardi, Mercredi, Jeudi, Vendredi" in page
    assert "Tarif 10 : 7,00\xa0€ par repas" in page
    cards = response.context["child_cards"]
    assert {card.eats_today for card in cards} <= {True, False}


def test_the_services_come_by_group(client, curl, cde11, parent_a, family):
    client.force_login(parent_a)
    response = client.get(curl(cde11, "portal:dashboard"))
    labels = [group.label for group in response.context["groups"]]
    assert labels == [
        "Inscriptions et planning",
        "Tarifs",
        "Factures et paiements",
        "Demandes et messages",
        "Séjours",
        "Documents",
    ]
    assert "Mon identité" not in text(response)  # identity details are in « Profil »


def test_another_familys_items_never_show(client, curl, cde11, parent_a, parent_b, family):
    household, _kids = family
    invoice = InvoiceFactory(caisse=cde11, household=household, issued=True)
    other = household_for(parent_b, cde11, state=HouseholdState.VALIDATED)
    client.force_login(parent_b)
    page = text(client.get(curl(cde11, "portal:dashboard")))
    assert f"Facture n° {invoice.number}" not in page and "Rien à faire pour le moment" in page
    assert other.pk != household.pk


def test_the_same_parent_sees_nothing_of_this_family_in_another_caisse(
    client, curl, cde11, cde19, parent_a, family
):
    household, _kids = family
    InvoiceFactory(caisse=cde11, household=household, issued=True)
    client.force_login(parent_a)
    page = text(client.get(curl(cde19, "portal:dashboard")))
    assert "Facture n°" not in page and "Votre famille est inconnue" in page


def test_anonymous_and_agents_without_family_get_no_todo(client, curl, cde11, agent_cde11, family):
    response = client.get(curl(cde11, "portal:dashboard"))
    assert response.status_code == 302
    client.force_login(agent_cde11)
    page = text(client.get(curl(cde11, "portal:dashboard")))
    assert "À faire" not in page and "Facture n°" not in page
    assert InvoiceState.ISSUED  # the agent has no household in the portal


def test_the_page_shows_each_rare_item_of_its_own_family_only(
    client, curl, cde11, setup, family, parent_a, parent_b
):
    """The page reads which rare items a family has with its household (`todo.with_pending`), then
    only those: each appears on its own family's page, none on a neighbour's."""
    household, kids = family
    today = timezone.localdate()
    year, school, _period = setup
    neighbour, _ = enrolled_family(cde11, year, school, children=1)
    neighbour.guardians.update(user=parent_b, email=parent_b.email)
    InvoiceFactory(caisse=cde11, household=household, issued=True, total=Decimal("12.00"))
    illness = AbsenceReason.objects.create(caisse=cde11, label="Maladie", is_illness=True)
    Absence.objects.create(
        household=household,
        child=kids[0],
        first_day=today,
        last_day=today,
        reason=illness,
        notice_kept=False,
        state=AbsenceState.PENDING,
    )
    Request.objects.create(
        caisse=cde11, household=household, kind=RequestKind.SITUATION, state=RequestState.INCOMPLETE
    )
    application = StayApplication.objects.create(caisse=cde11, household=household, child=kids[0])
    StayChoice.objects.create(
        application=application,
        child=kids[0],
        stay=HolidayStayFactory(caisse=cde11),
        rank=1,
        state=ChoiceState.ALLOCATED,
        confirm_by=timezone.now() + datetime.timedelta(days=3),
    )
    shown = {}
    for who in (parent_a, parent_b):
        client.force_login(who)
        response = client.get(curl(cde11, "portal:dashboard"))
        shown[who.pk] = {item.kind for item in response.context["todo"]}
        assert all(f'data-todo="{kind}"' in response.content.decode() for kind in shown[who.pk])
    assert {"invoice", "absence", "request", "stay"} <= shown[parent_a.pk]
    assert not {"invoice", "absence", "request", "stay"} & shown[parent_b.pk]


def test_the_cards_say_who_eats_today_with_an_absence_and_a_rhythm_change(
    client, curl, cde11, parent_a, family
):
    """The cards read their enrollments with flags that let `meal_days` skip the absences and the
    rhythm changes when there are none: with one of each, the cards still follow them."""
    from refectoire.enrollment.enums import RhythmChangeState
    from refectoire.enrollment.models import RhythmChange

    household, kids = family
    cards = {card.child.pk: card for card in family_dashboard(household=household, today=TODAY).children}
    assert [cards[kid.pk].eats_today for kid in kids] == [True, True]
    assert [cards[kid.pk].eats_tomorrow for kid in kids] == [True, True]
    Absence.objects.create(
        household=household, child=kids[0], first_day=TODAY, last_day=TODAY, state=AbsenceState.ACCEPTED
    )
    RhythmChange.objects.create(  # from tomorrow (a Tuesday), Mondays and Thursdays only
        enrollment=household.enrollments.get(child=kids[1]),
        weekdays="14",
        state=RhythmChangeState.VALIDATED,
        starts_on=TODAY + datetime.timedelta(days=1),
    )
    cards = {card.child.pk: card for card in family_dashboard(household=household, today=TODAY).children}
    assert (cards[kids[0].pk].eats_today, cards[kids[0].pk].eats_tomorrow) == (False, True)
    assert (cards[kids[1].pk].eats_today, cards[kids[1].pk].eats_tomorrow) == (True, False)


def test_flags_read_for_another_window_are_not_trusted(cde11, family):
    from refectoire.enrollment.selectors import meal_days, with_meal_flags

    household, kids = family
    tomorrow = TODAY + datetime.timedelta(days=1)
    Absence.objects.create(
        household=household, child=kids[0], first_day=tomorrow, last_day=tomorrow, state=AbsenceState.ACCEPTED
    )
    # Read for today alone, the flags say « no absence »; over today and tomorrow they must not count.
    enrollments = list(with_meal_flags(household.enrollments.all(), caisse=cde11, start=TODAY, end=TODAY))
    assert not any(e.absent for e in enrollments)
    days = meal_days(
        caisse=cde11, start=TODAY, end=tomorrow, household_ids=[household.pk], enrollments=enrollments
    )
    assert days[household.pk, kids[0].pk] == [TODAY]
    assert days[household.pk, kids[1].pk] == [TODAY, tomorrow]
