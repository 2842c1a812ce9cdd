"""One lifecycle mechanism: every table is well formed, and `transition()` checks the table and who
asks, writes exactly one event and returns the saved object.

Each app's service refuses a forbidden move in its own tests (reused, not duplicated here):
- households: tests/households/test_lifecycle.py, a draft cannot be validated;
- enrollments and rhythm changes: tests/enrollment/test_meal_days.py, a cancelled enrollment is not
  cancelled again, a decided rhythm change is not decided again;
- absences: tests/enrollment/test_absences.py, an accepted absence is not refused;
- tariff requests: tests/pricing/test_requests.py, a cancelled request cannot be decided;
- requests: tests/requests/test_lifecycle.py, a closed request cannot move again;
- invoices: tests/billing/test_issue.py, a cancelled invoice never moves again;
- stay choices: tests/stays/test_allocation.py, a refused wish is neither confirmed nor refused again;
- adult registrations: tests/adultmeals/test_end.py, only a validated registration ends;
- payments: tests/payments/test_manual_payments.py, a cancelled payment is not cancelled again;
  online payment attempts: tests/payments/test_payfip.py, a settled attempt never changes again;
- partners' API tokens: tests/www/backoffice/test_api_tokens.py, a revoked token is not revoked again.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import models

from refectoire.adultmeals.models import AdultRegistration
from refectoire.billing.models import Invoice
from refectoire.core.lifecycle import (
    AGENT,
    PARENT,
    ROLES,
    SYSTEM,
    TransitionEvent,
    lifecycle_of,
    lifecycles,
    reachable,
    transition,
)
from refectoire.directdebit.models import Debit, Mandate
from refectoire.enrollment.models import Absence, Enrollment, Pai, RhythmChange
from refectoire.households.enums import HouseholdAction, HouseholdState
from refectoire.households.models import Household
from refectoire.menus.models import MenuWeek
from refectoire.partners.models import ApiToken
from refectoire.payments.models import PayfipOperation, Payment
from refectoire.pricing.models import TariffRequest
from refectoire.privacy.models import DataExport, ErasureRequest
from refectoire.requests.models import Request
from refectoire.stays.models import StayChoice
from tests.households.factories import household_for

# Every lifecycle the project has (issue 14) and the state its objects are born in.
EXPECTED = {
    Household: "draft",
    Enrollment: "active",
    RhythmChange: "pending",
    Absence: "pending",
    TariffRequest: "sent",
    Request: "draft",
    Invoice: "draft",
    StayChoice: "submitted",
    AdultRegistration: "submitted",
    Payment: "recorded",
    PayfipOperation: "pending",
    Mandate: "active",
    Debit: "sent",
    DataExport: "queued",
    ErasureRequest: "submitted",
    Pai: "pending",
    MenuWeek: "draft",
    ApiToken: "active",
}


def test_every_lifecycle_is_registered():
    assert set(lifecycles()) == set(EXPECTED)


@pytest.mark.parametrize("model", list(EXPECTED), ids=lambda model: model.__name__)
def test_each_table_is_well_formed(model):
    lifecycle = lifecycles()[model]
    states = set(lifecycle.states)
    assert issubclass(lifecycle.states, models.TextChoices)
    assert issubclass(lifecycle.event_model, TransitionEvent)
    assert lifecycle.event_model._meta.get_field(lifecycle.event_field).is_relation
    # Every state has a row, every key is a member of the enum, every `who` a known role.
    assert set(lifecycle.table) == states
    for source, moves in lifecycle.table.items():
        assert isinstance(source, lifecycle.states)
        for target, who in moves.items():
            assert isinstance(target, lifecycle.states)
            assert who and set(who) <= ROLES
    # No unreachable state: every one is reachable from the state an object is born in.
    assert reachable(lifecycle, EXPECTED[model]) == states
    # And every lifecycle has a terminal state (no way out; a decided tariff request stays
    # correctable, so not every state leads to one).
    assert any(not moves for moves in lifecycle.table.values())


def test_transition_moves_saves_and_writes_exactly_one_event(cde11, parent_a):
    household = household_for(parent_a, cde11)
    before = household.events.count()
    moved = transition(
        household,
        HouseholdState.SUBMITTED,
        actor=parent_a,
        by=PARENT,
        action=HouseholdAction.SUBMITTED,
        message="Envoyé.",
    )
    assert moved is household
    assert moved.pk is not None and not moved._state.adding
    assert Household.objects.get(pk=household.pk).state == HouseholdState.SUBMITTED
    assert household.events.count() == before + 1
    event = household.events.latest("pk")
    assert (event.from_state, event.to_state, event.action, event.actor, event.message) == (
        HouseholdState.DRAFT,
        HouseholdState.SUBMITTED,
        HouseholdAction.SUBMITTED,
        parent_a,
        "Envoyé.",
    )


def test_transition_refuses_a_move_not_in_the_table_in_french(cde11, parent_a, agent_cde11):
    household = household_for(parent_a, cde11)
    before = household.events.count()
    with pytest.raises(ValidationError) as error:
        transition(household, HouseholdState.VALIDATED, actor=agent_cde11, by=AGENT, action="validated")
    assert error.value.messages == ["Cette action n'est pas possible pour un foyer « Brouillon »."]
    assert Household.objects.get(pk=household.pk).state == HouseholdState.DRAFT
    assert household.events.count() == before


def test_transition_refuses_someone_the_table_does_not_allow(cde11, parent_a):
    household = household_for(parent_a, cde11, state=HouseholdState.SUBMITTED)
    with pytest.raises(ValidationError):
        transition(household, HouseholdState.VALIDATED, actor=parent_a, by=PARENT, action="validated")
    with pytest.raises(ValidationError):
        transition(household, HouseholdState.VALIDATED, actor=None, by=SYSTEM, action="validated")
    assert Household.objects.get(pk=household.pk).state == HouseholdState.SUBMITTED
    assert not household.events.filter(to_state=HouseholdState.VALIDATED).exists()


def test_transition_sets_the_fields_given_with_the_move(cde11, parent_a, agent_cde11):
    household = household_for(parent_a, cde11, state=HouseholdState.SUBMITTED)
    when = datetime.datetime(2026, 9, 1, 8, 0, tzinfo=datetime.UTC)
    transition(
        household,
        HouseholdState.VALIDATED,
        actor=agent_cde11,
        by=AGENT,
        action="validated",
        validated_at=when,
    )
    assert Household.objects.get(pk=household.pk).validated_at == when


def test_an_unknown_role_is_a_programming_error(cde11, parent_a):
    household = household_for(parent_a, cde11)
    with pytest.raises(ValueError):
        transition(household, HouseholdState.SUBMITTED, actor=parent_a, by="parents", action="submitted")


def test_the_lifecycle_of_an_object_is_found_from_its_model():
    assert lifecycle_of(Household).event_field == "household"
    assert lifecycle_of(RhythmChange).event_owner == "enrollment"
