"""The household's lifecycle: declare, submit, validate, ask a correction, reject; each with its e-mail."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from refectoire.households import services
from refectoire.households.enums import ChangeKind, GuardianRole, HouseholdAction, HouseholdState
from tests.households.factories import household_for

pytestmark = pytest.mark.django_db


def declare(caisse, user):
    household = services.household_create_draft(caisse=caisse, user=user)
    services.co_guardian_add(
        household=household,
        actor=user,
        same_address=True,
        civility="m",
        last_name="Lovinfosse",
        first_name="Patrick",
    )
    services.child_add(
        household=household,
        actor=user,
        first_name="Elie",
        last_name="Lovinfosse",
        birth_date=datetime.date(2017, 9, 2),
        sex="f",
    )
    return household


def test_the_holder_is_prefilled_from_the_account(cde11, parent_a):
    household = services.household_create_draft(caisse=cde11, user=parent_a)
    holder = household.guardians.get()
    assert holder.role == GuardianRole.PRIMARY
    assert holder.user == parent_a
    assert (holder.first_name, holder.last_name, holder.street_name) == (
        "Allison",
        "Lovinfosse",
        "rue de la Roquette",
    )
    assert holder.is_complete


def test_a_second_household_for_the_same_account_and_caisse_is_refused(cde11, cde19, parent_a):
    services.household_create_draft(caisse=cde11, user=parent_a)
    with pytest.raises(ValidationError):
        services.household_create_draft(caisse=cde11, user=parent_a)
    assert services.household_create_draft(caisse=cde19, user=parent_a).caisse == cde19


def test_the_co_representative_reuses_the_holders_address(cde11, parent_a):
    household = declare(cde11, parent_a)
    co = household.guardians.get(role=GuardianRole.CO_GUARDIAN)
    assert (co.street_number, co.street_name, co.postcode, co.city) == (
        "12",
        "rue de la Roquette",
        "75011",
        "Paris",
    )
    assert co.is_complete


def test_a_household_without_co_representative_or_single_parent_cannot_be_sent(cde11, parent_a):
    household = services.household_create_draft(caisse=cde11, user=parent_a)
    with pytest.raises(ValidationError) as error:
        services.household_submit(household=household, actor=parent_a)
    assert "Ajoutez un co-représentant, ou cochez « Je suis un parent isolé »." in error.value.messages
    assert "Ajoutez au moins un enfant." in error.value.messages
    household.refresh_from_db()
    assert household.state == HouseholdState.DRAFT


def test_a_single_parent_sends_the_household_without_co_representative(cde11, parent_a):
    household = services.household_create_draft(caisse=cde11, user=parent_a)
    services.household_set_single_parent(household=household, actor=parent_a, is_single_parent=True)
    services.child_add(
        household=household,
        actor=parent_a,
        first_name="Zazou",
        last_name="L",
        birth_date=datetime.date(2019, 1, 1),
        sex="m",
    )
    services.household_submit(household=household, actor=parent_a)
    household.refresh_from_db()
    assert household.state == HouseholdState.SUBMITTED


def test_submit_then_validate_sends_both_emails_and_logs_who(
    cde11, parent_a, agent_cde11, django_capture_on_commit_callbacks
):
    household = declare(cde11, parent_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.household_submit(household=household, actor=parent_a)
    household.refresh_from_db()
    assert household.state == HouseholdState.SUBMITTED and household.submitted_at is not None
    assert mail.outbox[-1].to == ["allison@example.fr"]
    assert "bien été reçue" in mail.outbox[-1].subject

    with django_capture_on_commit_callbacks(execute=True):
        services.household_validate(household=household, agent=agent_cde11)
    household.refresh_from_db()
    assert household.state == HouseholdState.VALIDATED
    assert "validé" in mail.outbox[-1].subject
    event = household.events.get(action=HouseholdAction.VALIDATED)
    assert (event.actor, event.from_state, event.to_state) == (agent_cde11, "submitted", "validated")


def test_a_correction_sends_the_household_back_to_draft_with_its_values_and_the_message(
    cde11, parent_a, agent_cde11, django_capture_on_commit_callbacks
):
    household = declare(cde11, parent_a)
    services.household_submit(household=household, actor=parent_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.household_ask_correction(
            household=household, agent=agent_cde11, message="La date de naissance d'Elie semble fausse."
        )
    household.refresh_from_db()
    assert household.state == HouseholdState.DRAFT
    assert household.children.get().first_name == "Elie"
    assert "La date de naissance d'Elie semble fausse." in mail.outbox[-1].body
    # Corrected, it goes back to the Caisse.
    services.household_submit(household=household, actor=parent_a)
    household.refresh_from_db()
    assert household.state == HouseholdState.SUBMITTED


def test_a_correction_needs_a_message(cde11, parent_a, agent_cde11):
    household = declare(cde11, parent_a)
    services.household_submit(household=household, actor=parent_a)
    with pytest.raises(ValidationError):
        services.household_ask_correction(household=household, agent=agent_cde11, message="  ")


def test_a_rejection_gives_its_reason_by_email(
    cde11, parent_a, agent_cde11, django_capture_on_commit_callbacks
):
    household = declare(cde11, parent_a)
    services.household_submit(household=household, actor=parent_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.household_reject(
            household=household, agent=agent_cde11, reason="Famille hors arrondissement."
        )
    household.refresh_from_db()
    assert household.state == HouseholdState.REJECTED
    assert "refusée" in mail.outbox[-1].subject
    assert "Famille hors arrondissement." in mail.outbox[-1].body
    assert household.events.get(action=HouseholdAction.REJECTED).message == "Famille hors arrondissement."


def test_a_draft_cannot_be_validated_and_a_sent_household_cannot_be_changed_by_the_parent(
    cde11, parent_a, agent_cde11
):
    household = declare(cde11, parent_a)
    with pytest.raises(ValidationError):
        services.household_validate(household=household, agent=agent_cde11)
    services.household_submit(household=household, actor=parent_a)
    child = household.children.get()
    with pytest.raises(ValidationError):
        services.child_change(child=child, actor=parent_a, first_name="Autre")


def test_an_agent_edits_on_behalf_of_the_family_with_history(cde11, parent_a, agent_cde11):
    household = household_for(parent_a, cde11, state=HouseholdState.VALIDATED)
    child = household.children.get()
    services.child_change(child=child, actor=agent_cde11, actor_is_agent=True, first_name="Hikari")
    assert household.events.filter(action=HouseholdAction.AGENT_EDIT, actor=agent_cde11).exists()
    assert [record.first_name for record in child.history.order_by("history_date")][-2:] == ["Elie", "Hikari"]


def test_a_member_added_to_a_validated_household_waits_for_the_caisse(
    cde11, parent_a, agent_cde11, django_capture_on_commit_callbacks
):
    household = household_for(parent_a, cde11, state=HouseholdState.VALIDATED)
    change = services.household_change_request(
        household=household,
        actor=parent_a,
        kind=ChangeKind.ADD_CHILD,
        data={
            "first_name": "Robin",
            "last_name": "Lovinfosse",
            "birth_date": datetime.date(2021, 2, 3),
            "sex": "m",
        },
    )
    assert not household.children.filter(first_name="Robin").exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.household_change_accept(change=change, agent=agent_cde11)
    assert household.children.get(first_name="Robin").birth_date == datetime.date(2021, 2, 3)
    assert "validé" in mail.outbox[-1].subject


def test_a_refused_member_addition_creates_no_one(cde11, parent_a, agent_cde11):
    household = household_for(parent_a, cde11, state=HouseholdState.VALIDATED, co_guardian=False)
    change = services.household_change_request(
        household=household,
        actor=parent_a,
        kind=ChangeKind.ADD_CO_GUARDIAN,
        data={
            "civility": "m",
            "last_name": "Moreau",
            "first_name": "Patrick",
            "street_name": "rue X",
            "postcode": "75019",
            "city": "Paris",
            "country": "France",
        },
    )
    services.household_change_refuse(change=change, agent=agent_cde11, reason="Pièce manquante")
    assert not household.guardians.filter(role=GuardianRole.CO_GUARDIAN).exists()
