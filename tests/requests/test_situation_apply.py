"""An accepted change of situation is applied to the household through the owning apps' services."""

import datetime
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from refectoire.enrollment.enums import Custody
from refectoire.enrollment.models import Enrollment
from refectoire.enrollment.selectors import meal_days
from refectoire.households.enums import ChangeState, GuardianRole, HouseholdAction
from refectoire.households.models import Guardian, Household, HouseholdChange
from refectoire.pricing import grids, quotient
from refectoire.pricing import services as pricing
from refectoire.pricing.enums import IncomeSource, TariffRequestReason, TariffRequestState
from refectoire.pricing.grids import PARIS_ADULT_MEAL_PRICE, PARIS_BRACKETS, PARIS_EXCEPTIONAL_MEAL_PRICE
from refectoire.pricing.models import TariffRequest
from refectoire.pricing.selectors import tariff_tile
from refectoire.requests import services
from refectoire.requests.enums import FollowUpKind, RequestKind, RequestState
from refectoire.requests.models import FollowUp
from refectoire.requests.situation import OTHER_PARENT_NEXT_STEP
from tests.factories import PASSWORD, UserFactory
from tests.requests.factories import GuardianFactory, enroll, pdf_upload, stored_document

pytestmark = pytest.mark.django_db


def post(client, curl, caisse, data):
    return client.post(curl(caisse, "portal:request_create", kind_slug="changement-de-situation"), data)


def next_monday(weeks=2):
    today = timezone.localdate()
    return today + datetime.timedelta(days=7 * weeks - today.weekday())


@pytest.fixture
def co_user(db):
    return UserFactory(first_name="Sam", last_name="Lovinfosse", email="sam@example.fr")


@pytest.fixture
def co_guardian(household_a, co_user):
    return GuardianFactory(
        household=household_a, user=co_user, role=GuardianRole.CO_GUARDIAN, first_name="Sam"
    )


# --- Separation -------------------------------------------------------------------------------


def test_an_accepted_separation_removes_the_co_guardian_and_splits_the_enrollment(
    client,
    curl,
    cde11,
    parent_a,
    household_a,
    co_guardian,
    co_user,
    agent_cde11,
    django_capture_on_commit_callbacks,
):
    child = household_a.children.get()
    year = enroll(child)
    before = Enrollment.objects.get(child=child)
    effective = next_monday()
    client.force_login(parent_a)
    response = post(
        client,
        curl,
        cde11,
        {
            "change": "separation",
            "effective_date": effective.isoformat(),
            "leaving_guardian": str(co_guardian.uuid),
            f"custody_{child.uuid}": "even",
            "attachment": pdf_upload("jugement.pdf"),
        },
    )
    assert response.status_code == 302
    demand = household_a.requests.get()
    assert demand.data["custody"] == {str(child.uuid): "even"}
    detail = client.get(curl(cde11, "portal:request_detail", request_uuid=demand.uuid)).content.decode()
    assert "Sam LOVINFOSSE" in detail and "semaines paires" in detail

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.request_accept(request=demand, caisse=cde11, actor=agent_cde11)

    # The co-representative left, with history; its account no longer reaches the household.
    household_a.refresh_from_db()
    assert household_a.is_single_parent
    assert not Guardian.objects.filter(pk=co_guardian.pk).exists()
    assert Guardian.history.filter(uuid=co_guardian.uuid, history_type="-").exists()
    assert not Household.objects.for_user(co_user, cde11).exists()
    assert household_a.events.filter(action=HouseholdAction.GUARDIAN_LEFT, actor=agent_cde11).exists()
    # The enrollment ends the day before; a new one with the chosen custody runs from the date.
    before.refresh_from_db()
    assert before.end_date == effective - datetime.timedelta(days=1)
    after = Enrollment.objects.get(child=child, start_date=effective)
    assert (after.school, after.weekdays, after.custody, after.end_date) == (
        before.school,
        before.weekdays,
        Custody.EVEN,
        year.last_day,
    )
    days = meal_days(
        caisse=cde11,
        start=effective - datetime.timedelta(days=7),
        end=effective + datetime.timedelta(days=13),
    )[household_a.pk, child.pk]
    assert [d for d in days if d < effective] == [
        effective - datetime.timedelta(days=7 - i) for i in range(5)
    ]
    assert all(d.isocalendar().week % 2 == 0 for d in days if d >= effective)
    assert len([d for d in days if d >= effective]) == 5
    # The family reads what happened, and what the other parent can do.
    text = demand.events.last().message
    assert f"Sam LOVINFOSSE ne fait plus partie du foyer à compter du {effective:%d/%m/%Y}" in text
    assert "semaines paires" in text and "École Roquette" in text
    assert str(OTHER_PARENT_NEXT_STEP) in text
    assert FollowUp.objects.get(request=demand, kind=FollowUpKind.SHARED_CUSTODY).done_at is not None
    # The request's page still names who left, from the history.
    detail = client.get(curl(cde11, "portal:request_detail", request_uuid=demand.uuid)).content.decode()
    assert "Sam LOVINFOSSE" in detail
    assert len(mail.outbox) == 1
    assert str(OTHER_PARENT_NEXT_STEP) in mail.outbox[0].body
    assert child.first_name not in mail.outbox[0].body


def test_a_separation_with_a_calendar_attaches_it_to_the_new_enrollment(
    client, curl, cde11, parent_a, household_a, co_guardian, agent_cde11
):
    child = household_a.children.get()
    enroll(child)
    effective = next_monday()
    client.force_login(parent_a)
    post(
        client,
        curl,
        cde11,
        {
            "change": "separation",
            "effective_date": effective.isoformat(),
            "leaving_guardian": str(co_guardian.uuid),
            f"custody_{child.uuid}": "calendar",
            "custody_calendar": pdf_upload("calendrier.pdf"),
        },
    )
    demand = household_a.requests.get()
    services.request_accept(request=demand, caisse=cde11, actor=agent_cde11)
    after = Enrollment.objects.get(child=child, start_date=effective)
    assert after.custody == Custody.CALENDAR
    assert after.custody_document.kind == "custody_calendar"
    assert after.custody_document.original_name == "calendrier.pdf"


def test_a_separation_form_says_next_to_the_fields_what_is_missing(
    client, curl, cde11, parent_a, household_a, co_guardian
):
    child = household_a.children.get()
    client.force_login(parent_a)
    response = post(client, curl, cde11, {"change": "separation", f"custody_{child.uuid}": "calendar"})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["effective_date"] == ["Ce champ est obligatoire pour ce changement."]
    assert form.errors["leaving_guardian"] == ["Indiquez le co-représentant qui quitte le foyer."]
    assert form.errors["custody_calendar"] == [
        "Joignez le calendrier de garde : vous avez choisi une garde selon un calendrier."
    ]
    assert not household_a.requests.exists()


def test_a_child_kept_full_time_keeps_its_enrollment(household_a, parent_a, co_guardian, agent_cde11, cde11):
    child = household_a.children.get()
    enroll(child)
    demand = services.request_create(
        household=household_a,
        kind=RequestKind.SITUATION,
        created_by=parent_a,
        data={
            "change": "separation",
            "effective_date": next_monday().isoformat(),
            "leaving_guardian": str(co_guardian.uuid),
            "custody": {str(child.uuid): "full"},
        },
    )
    services.request_accept(request=demand, caisse=cde11, actor=agent_cde11)
    assert Enrollment.objects.filter(child=child).count() == 1
    assert not household_a.guardians.filter(role=GuardianRole.CO_GUARDIAN).exists()


# --- Change of resources ----------------------------------------------------------------------


@pytest.fixture
def year_with_grid(household_a):
    year = enroll(household_a.children.get())
    grids.tariff_grid_create(
        caisse=household_a.caisse,
        school_year=year,
        brackets=PARIS_BRACKETS,
        adult_meal_price=PARIS_ADULT_MEAL_PRICE,
        exceptional_meal_price=PARIS_EXCEPTIONAL_MEAL_PRICE,
    )
    return year


def test_a_change_of_resources_opens_a_superseding_tariff_request_to_complete(
    client, curl, cde11, parent_a, household_a, agent_cde11, year_with_grid
):
    yearly = pricing.tariff_request_submit(
        household=household_a,
        school_year=year_with_grid,
        user=parent_a,
        declaration=quotient.Declaration(
            income_source=IncomeSource.CAF_ATTESTATION, declared_qf=Decimal("812")
        ),
        proofs=[pdf_upload()],
    )
    pricing.tariff_request_decide(
        request=yearly, agent=agent_cde11, bracket_number=4, family_quotient=Decimal("812")
    )
    effective = timezone.localdate() + datetime.timedelta(days=10)
    client.force_login(parent_a)
    post(
        client,
        curl,
        cde11,
        {
            "change": "resources",
            "effective_date": effective.isoformat(),
            "attachment": pdf_upload("paie.pdf"),
        },
    )
    demand = household_a.requests.get()
    services.request_accept(request=demand, caisse=cde11, actor=agent_cde11)

    new = TariffRequest.objects.get(reason=TariffRequestReason.RESOURCES_CHANGE)
    assert (new.state, new.supersedes, new.effective_date) == (
        TariffRequestState.NEEDS_INFO,
        yearly,
        effective,
    )
    assert new.declared_qf == Decimal("812")
    assert [d.original_name for d in new.proofs.all()] == ["paie.pdf"]
    assert pricing.earliest_start_date(request=new) == effective
    tile = tariff_tile(household=household_a, school_year=year_with_grid)
    assert tile.state_label == "À compléter"
    assert "envoyez les justificatifs de vos nouvelles ressources" in tile.text
    assert f"Une nouvelle demande de tarif {year_with_grid.label} est ouverte" in demand.events.last().message
    assert FollowUp.objects.get(request=demand).kind == FollowUpKind.TARIFF_REQUEST
    page = client.get(curl(cde11, "portal:tariff", year_uuid=year_with_grid.uuid)).content.decode()
    assert "Compléter ma demande" in page and "votre tarif actuel (tarif 4) s'applique" in page


def test_a_change_of_resources_without_earlier_request_opens_the_years_request(
    household_a, parent_a, agent_cde11, cde11, year_with_grid
):
    demand = services.request_create(
        household=household_a,
        kind=RequestKind.SITUATION,
        created_by=parent_a,
        data={"change": "resources", "effective_date": timezone.localdate().isoformat()},
        attachments=[stored_document(household_a, "income_proof")],
    )
    services.request_accept(request=demand, caisse=cde11, actor=agent_cde11)
    new = TariffRequest.objects.get(household=household_a)
    assert (new.reason, new.state, new.supersedes) == (
        TariffRequestReason.YEARLY,
        TariffRequestState.NEEDS_INFO,
        None,
    )


def test_a_change_of_resources_outside_any_school_year_is_not_accepted(
    household_a, parent_a, agent_cde11, cde11
):
    demand = services.request_create(
        household=household_a,
        kind=RequestKind.SITUATION,
        created_by=parent_a,
        data={"change": "resources", "effective_date": "2099-01-04"},
        attachments=[stored_document(household_a, "income_proof")],
    )
    with pytest.raises(ValidationError) as error:
        services.request_accept(request=demand, caisse=cde11, actor=agent_cde11)
    assert error.value.messages == [
        "Aucune année scolaire ne contient le 04/01/2099 : une demande de tarif ne peut pas être ouverte."
    ]
    demand.refresh_from_db()
    assert demand.state == RequestState.SUBMITTED


# --- New e-mail -------------------------------------------------------------------------------


def test_a_new_email_becomes_the_login_email_to_verify_and_the_old_one_is_told(
    household_a, parent_a, agent_cde11, cde11, django_capture_on_commit_callbacks
):
    assert EmailAddress.objects.get(user=parent_a).email == "allison@example.fr"
    demand = services.request_create(
        household=household_a,
        kind=RequestKind.SITUATION,
        created_by=parent_a,
        data={"change": "contact", "email": "allison.new@example.fr"},
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.request_accept(request=demand, caisse=cde11, actor=agent_cde11)
    parent_a.refresh_from_db()
    assert parent_a.email == "allison.new@example.fr"
    assert household_a.guardians.get().email == "allison.new@example.fr"
    address = EmailAddress.objects.get(user=parent_a, primary=True)
    assert (address.email, address.primary, address.verified) == ("allison.new@example.fr", True, False)
    old = EmailAddress.objects.get(user=parent_a, primary=False)
    assert (old.email, old.verified) == ("allison@example.fr", True)
    by_subject = {message.subject.split("] ", 1)[1]: message for message in mail.outbox}
    confirm = by_subject["Confirmez votre adresse électronique"]
    assert confirm.to == ["allison.new@example.fr"]
    key = address.emailconfirmation_set.get().key
    assert f"/cde11/compte/confirm-email/{key}/" in confirm.body
    notice = by_subject["Le courriel de votre compte a changé"]
    assert notice.to == ["allison@example.fr"]
    assert by_subject["Votre demande a évolué"].to == ["allison.new@example.fr"]
    assert "ne servira plus à vous connecter" in notice.body and "dossier@cdeparis11.fr" in notice.body
    assert "allison.new@example.fr" in demand.events.last().message


def test_the_old_email_goes_once_the_new_one_is_confirmed_and_until_then_the_parent_logs_in(
    household_a, parent_a, agent_cde11, cde11, client
):
    demand = services.request_create(
        household=household_a,
        kind=RequestKind.SITUATION,
        created_by=parent_a,
        data={"change": "contact", "email": "allison.new@example.fr"},
    )
    services.request_accept(request=demand, caisse=cde11, actor=agent_cde11)
    login = client.post("/cde11/compte/login/", {"login": parent_a.username, "password": PASSWORD})
    assert login.status_code == 302
    assert client.get("/cde11/mon-espace/").status_code == 200
    client.logout()
    key = EmailAddress.objects.get(user=parent_a, primary=True).emailconfirmation_set.get().key
    response = client.post(f"/cde11/compte/confirm-email/{key}/")
    assert response.status_code == 302
    assert list(EmailAddress.objects.filter(user=parent_a).values_list("email", "primary", "verified")) == [
        ("allison.new@example.fr", True, True)
    ]


def test_an_email_of_another_account_is_refused_and_nothing_changes(
    household_a, parent_a, parent_b, agent_cde11, cde11
):
    demand = services.request_create(
        household=household_a,
        kind=RequestKind.SITUATION,
        created_by=parent_a,
        data={"change": "contact", "email": parent_b.email, "mobile_phone": "0611111111"},
    )
    with pytest.raises(ValidationError) as error:
        services.request_accept(request=demand, caisse=cde11, actor=agent_cde11)
    assert error.value.messages == ["Cette adresse électronique est déjà celle d'un autre compte."]
    parent_a.refresh_from_db()
    assert parent_a.email == "allison@example.fr"
    assert household_a.guardians.get().mobile_phone == ""


# --- New child: one path, « Ajouter un membre » ------------------------------------------------


def test_the_situation_form_sends_a_new_child_to_ajouter_un_membre(
    client, curl, cde11, parent_a, household_a
):
    client.force_login(parent_a)
    page = client.get(curl(cde11, "portal:request_create", kind_slug="changement-de-situation"))
    assert curl(cde11, "portal:family_member_add", kind="enfant") in page.content.decode()
    assert "new_child" not in [value for value, _label in page.context["form"].fields["change"].choices]
    response = post(client, curl, cde11, {"change": "new_child", "child_first_name": "Noé"})
    assert "change" in response.context["form"].errors
    assert not household_a.requests.exists()


def test_a_former_new_child_request_goes_through_the_household_change(
    household_a, parent_a, agent_cde11, cde11
):
    demand = services.request_create(
        household=household_a,
        kind=RequestKind.SITUATION,
        created_by=parent_a,
        data={
            "change": "new_child",
            "child_first_name": "Noé",
            "child_last_name": "Lovinfosse",
            "child_birth_date": "2021-02-03",
        },
    )
    services.request_accept(request=demand, caisse=cde11, actor=agent_cde11)
    change = HouseholdChange.objects.get(household=household_a)
    assert (change.state, change.decided_by, change.requested_by) == (
        ChangeState.ACCEPTED,
        agent_cde11,
        parent_a,
    )
    assert demand.children.get().first_name == "Noé"
