"""PAI lifecycle (declare, validate, refuse, cancel), e-mails, the expiry reminder; meal options and
the kitchen forecast counting meals by option and PAI meals apart."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from refectoire.documents.enums import DocumentKind
from refectoire.enrollment.enums import PaiKind, PaiState
from refectoire.enrollment.options import meal_option_choose, meal_option_save
from refectoire.enrollment.pai import pai_cancel, pai_declare, pai_refuse, pai_remind_expiring, pai_validate
from refectoire.enrollment.selectors import kitchen_forecast
from refectoire.enrollment.services import enrollment_create
from tests.enrollment.factories import family
from tests.menus.conftest import signed_pai

D = datetime.date


def declare(household, child, **kwargs):
    values = {
        "kind": PaiKind.ADAPTED_MEAL,
        "allergens": ["fruits_a_coque", "arachides"],
        "starts_on": D(2026, 9, 1),
        "ends_on": D(2027, 7, 3),
        "uploaded_file": signed_pai(),
        "actor": None,
    }
    values.update(kwargs)
    return pai_declare(household=household, child=child, **values)


def test_parent_declares_a_pai_that_waits_for_an_agent(cde11, family_a):
    household, child = family_a
    pai = declare(household, child)
    assert pai.state == PaiState.PENDING
    assert pai.allergens == ["arachides", "fruits_a_coque"]  # the regulation's order
    assert pai.document.kind == DocumentKind.PAI
    assert pai.allergen_names == "Arachides, Fruits à coque"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"allergens": ["pollen"]}, "allergens"),
        ({"allergens": []}, "allergens"),
        ({"ends_on": D(2027, 9, 2)}, "ends_on"),
        ({"ends_on": D(2026, 8, 1)}, "ends_on"),
        ({"uploaded_file": None}, "document"),
        ({"kind": "religious"}, "kind"),
    ],
)
def test_a_bad_declaration_is_refused_next_to_its_field_and_writes_nothing(cde11, family_a, kwargs, field):
    household, child = family_a
    with pytest.raises(ValidationError) as error:
        declare(household, child, **kwargs)
    assert field in error.value.message_dict
    assert not household.pais.exists()
    assert not household.documents.exists()


def test_a_file_that_is_not_a_pdf_or_image_is_refused(cde11, family_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    household, child = family_a
    with pytest.raises(ValidationError) as error:
        declare(household, child, uploaded_file=SimpleUploadedFile("pai.pdf", b"MZ\x90\x00 not a pdf"))
    assert "document" in error.value.message_dict
    assert not household.pais.exists()


def test_agent_validates_and_the_family_is_told(
    cde11, family_a, agent_cde11, django_capture_on_commit_callbacks
):
    household, child = family_a
    pai = declare(household, child)
    with django_capture_on_commit_callbacks(execute=True):
        pai_validate(pai=pai, agent=agent_cde11)
    pai.refresh_from_db()
    assert pai.state == PaiState.VALIDATED and pai.decided_by == agent_cde11
    assert [e.to_state for e in pai.events.all()] == [PaiState.VALIDATED]
    (message,) = mail.outbox
    assert "PAI validé" in message.subject
    assert "Arachides" not in message.body  # no health data in an e-mail


def test_agent_refuses_with_a_reason_only(cde11, family_a, agent_cde11, django_capture_on_commit_callbacks):
    household, child = family_a
    pai = declare(household, child)
    with pytest.raises(ValidationError):
        pai_refuse(pai=pai, agent=agent_cde11, reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        pai_refuse(pai=pai, agent=agent_cde11, reason="Le document n'est pas signé par le médecin.")
    pai.refresh_from_db()
    assert pai.state == PaiState.REFUSED
    assert "pas signé" in mail.outbox[0].body
    with pytest.raises(ValidationError):
        pai_validate(pai=pai, agent=agent_cde11)


def test_a_parent_cannot_validate_and_a_cancelled_pai_stays_cancelled(cde11, family_a, parent_a, agent_cde11):
    household, child = family_a
    pai = declare(household, child)
    pai_validate(pai=pai, agent=agent_cde11)
    pai_cancel(pai=pai, actor=parent_a)
    pai.refresh_from_db()
    assert pai.state == PaiState.CANCELLED
    with pytest.raises(ValidationError):
        pai_cancel(pai=pai, actor=parent_a)


def test_expiry_is_reminded_once_30_days_before_the_end(
    cde11, family_a, agent_cde11, django_capture_on_commit_callbacks
):
    household, child = family_a
    pai = declare(household, child)
    pai_validate(pai=pai, agent=agent_cde11)
    mail.outbox.clear()
    assert pai_remind_expiring(today=D(2027, 6, 2)) == 0  # 31 days before
    with django_capture_on_commit_callbacks(execute=True):
        assert pai_remind_expiring(today=D(2027, 6, 3)) == 1
    assert "03/07/2027" in mail.outbox[0].body
    assert pai_remind_expiring(today=D(2027, 6, 10)) == 0


def test_another_households_child_cannot_get_a_pai(cde11, family_a, family_b):
    with pytest.raises(ValidationError):
        declare(family_a[0], family_b[1])


def test_an_option_naming_a_religion_is_refused(cde11):
    for label in ("Repas halal", "Menu casher", "Repas confessionnel", "Carême"):
        with pytest.raises(ValidationError) as error:
            meal_option_save(caisse=cde11, label=label)
        assert "religion" in str(error.value)
    assert meal_option_save(caisse=cde11, label="Repas sans viande").label == "Repas sans viande"


def test_forecast_counts_meals_by_option_and_pai_meals_apart(cde11, keller, year_2026, agent_cde11):
    without_meat = meal_option_save(caisse=cde11, label="Repas sans viande")
    (h1, (c1,)), (h2, (c2,)), (h3, (c3,)) = family(cde11), family(cde11), family(cde11)
    e1 = enrollment_create(household=h1, child=c1, school=keller, school_year=year_2026, weekdays="12345")
    e2 = enrollment_create(household=h2, child=c2, school=keller, school_year=year_2026, weekdays="12345")
    enrollment_create(household=h3, child=c3, school=keller, school_year=year_2026, weekdays="12345")
    meal_option_choose(enrollment=e1, option=without_meat, actor=None, today=D(2026, 8, 20))
    # Chosen on Wednesday 16/09: in force from the next Monday.
    meal_option_choose(enrollment=e2, option=without_meat, actor=None, today=D(2026, 9, 16))
    pai = declare(h3, c3, starts_on=D(2026, 9, 17), ends_on=D(2027, 6, 30))
    pai_validate(pai=pai, agent=agent_cde11)

    rows = {row.day: row for row in kitchen_forecast(caisse=cde11, start=D(2026, 9, 14), end=D(2026, 9, 21))}
    assert rows[D(2026, 9, 14)].by_option == {"Repas sans viande": 1, "Repas standard": 2}
    assert rows[D(2026, 9, 14)].pai_meals == 0
    assert rows[D(2026, 9, 17)].pai_meals == 1
    assert rows[D(2026, 9, 21)].by_option == {"Repas sans viande": 2, "Repas standard": 1}
    assert all(sum(row.by_option.values()) == row.meals for row in rows.values())


def test_forecast_without_options_keeps_by_option_empty(cde11, keller, year_2026):
    household, (child,) = family(cde11)
    enrollment_create(household=household, child=child, school=keller, school_year=year_2026, weekdays="1")
    (row,) = kitchen_forecast(caisse=cde11, start=D(2026, 9, 14), end=D(2026, 9, 14))
    assert (row.meals, row.by_option, row.pai_meals) == (1, {}, 0)


def test_a_pai_waiting_for_validation_is_a_queue_of_the_agents_home_until_decided(
    client, curl, cde11, family_a, agent_cde11, agent_cde19, cde19
):
    household, child = family_a
    pai = declare(household, child)
    client.force_login(agent_cde11)
    queues = {queue["label"]: queue for queue in client.get(curl(cde11, "backoffice:home")).context["queues"]}
    assert queues["PAI à valider"]["count"] == 1
    assert queues["PAI à valider"]["oldest"] == timezone.localdate()
    assert queues["PAI à valider"]["url"] == curl(cde11, "backoffice:pai_list")
    client.force_login(agent_cde19)
    other = client.get(curl(cde19, "backoffice:home")).context["queues"]
    assert "PAI à valider" not in {queue["label"] for queue in other}
    pai_validate(pai=pai, agent=agent_cde11)
    client.force_login(agent_cde11)
    queues = {queue["label"] for queue in client.get(curl(cde11, "backoffice:home")).context["queues"]}
    assert "PAI à valider" not in queues
