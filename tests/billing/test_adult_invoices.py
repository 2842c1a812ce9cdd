"""An adult's invoice (restauration adulte) wherever an invoice is read: portal, PayFIP, back office,
reminders, credit notes, PDF and exports; and nobody else sees it."""

import datetime
import html
import uuid
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from refectoire.billing.enums import InvoiceKind, InvoiceState
from refectoire.billing.exports import pes_ormc
from refectoire.billing.models import Invoice
from refectoire.billing.pdf import invoice_pdf
from refectoire.billing.services import credit_note_create, invoices_send_reminders
from refectoire.payments.models import Payment
from tests.billing.adults import adult, issued_adult_invoice, teacher_and_registration
from tests.billing.factories import (
    InvoiceFactory,
    PayfipSettingsFactory,
    household_of,
)
from tests.billing.pes import assert_official, ready_for_pes
from tests.billing.test_pdf_and_exports import pdf_text
from tests.factories import UserFactory
from tests.schools.factories import SchoolFactory

pytestmark = pytest.mark.django_db

PORTAL_INVOICE_URLS = ["portal:invoice_detail", "portal:invoice_pdf", "portal:invoice_pay"]
AGENT_INVOICE_URLS = [
    "backoffice:billing_invoice",
    "backoffice:billing_invoice_pdf",
    "backoffice:billing_payment_create",
    "backoffice:billing_credit_note",
]


@pytest.fixture
def registration(cde11, agent_cde11):
    return teacher_and_registration(cde11, agent_cde11)[1]


@pytest.fixture
def teacher(registration):
    return registration.user


@pytest.fixture
def staff_invoice(cde11, registration):
    return issued_adult_invoice(cde11, registration, number=40950)


# Portal ----------------------------------------------------------------------------------


def test_the_adult_sees_their_registrations_and_invoices_on_restauration_adulte(
    client, curl, cde11, teacher, staff_invoice
):
    PayfipSettingsFactory(caisse=cde11)
    client.force_login(teacher)
    page = client.get(curl(cde11, "portal:adult_meals")).content.decode()
    assert "École Keller" in page
    assert "Restauration 40950 - Mars / Avril 2027" in page
    assert "45.00 €" in page or "45,00\xa0€" in page
    assert "à payer" in page
    assert curl(cde11, "portal:invoice_pay", invoice_uuid=staff_invoice.uuid) in page
    assert curl(cde11, "portal:invoice_pdf", invoice_uuid=staff_invoice.uuid) in page


def test_a_paid_adult_invoice_has_no_pay_button(client, curl, cde11, teacher, staff_invoice):
    PayfipSettingsFactory(caisse=cde11)
    Invoice.objects.filter(pk=staff_invoice.pk).update(amount_paid=staff_invoice.total)
    client.force_login(teacher)
    page = client.get(curl(cde11, "portal:adult_meals")).content.decode()
    assert "Facture réglée" in page
    assert curl(cde11, "portal:invoice_pay", invoice_uuid=staff_invoice.uuid) not in page


@pytest.mark.parametrize("name", PORTAL_INVOICE_URLS)
def test_the_adult_opens_their_invoice_pages(client, curl, cde11, teacher, staff_invoice, name):
    client.force_login(teacher)
    response = client.get(curl(cde11, name, invoice_uuid=staff_invoice.uuid))
    assert response.status_code == 200


@pytest.mark.parametrize("name", PORTAL_INVOICE_URLS)
def test_another_adult_a_parent_and_another_caisse_get_404_on_an_adult_invoice(
    client, curl, cde11, cde19, agent_cde11, parent_a, teacher, staff_invoice, name
):
    other_adult = adult(cde11, SchoolFactory(caisse=cde11), agent=agent_cde11).user
    household_of(parent_a, cde11)
    for user in (other_adult, parent_a):
        client.force_login(user)
        assert client.get(curl(cde11, name, invoice_uuid=staff_invoice.uuid)).status_code == 404
    client.force_login(teacher)
    assert client.get(curl(cde19, name, invoice_uuid=staff_invoice.uuid)).status_code == 404


def test_the_adult_page_lists_only_the_adults_own_invoices(
    client, curl, cde11, cde19, agent_cde11, agent_cde19, teacher, registration, staff_invoice
):
    other = adult(cde11, registration.school, agent=agent_cde11)
    issued_adult_invoice(cde11, other, number=40951)
    elsewhere = adult(cde19, SchoolFactory(caisse=cde19), agent=agent_cde19, user=teacher)
    issued_adult_invoice(cde19, elsewhere, number=12001)
    client.force_login(teacher)
    page = client.get(curl(cde11, "portal:adult_meals")).content.decode()
    assert "40950" in page and "40951" not in page and "12001" not in page
    client.force_login(other.user)
    assert "40950" not in client.get(curl(cde11, "portal:adult_meals")).content.decode()


def test_the_adult_invoice_detail_and_pdf_name_the_adult_not_a_household(
    cde11, client, curl, teacher, staff_invoice
):
    client.force_login(teacher)
    page = client.get(curl(cde11, "portal:invoice_detail", invoice_uuid=staff_invoice.uuid)).content.decode()
    assert "Restauration adulte — École Keller" in page
    text = pdf_text(invoice_pdf(staff_invoice))
    for expected in (
        "Claire FONTAINE",
        "3 rue Keller",
        "75011 Paris",
        "Restauration adulte — École Keller",
        "Restauration 40950 - Mars / Avril 2027",
        "prix du repas adulte",
        "45,00\xa0€",
    ):
        assert expected in text, expected


# Back office -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", AGENT_INVOICE_URLS)
def test_agents_open_an_adult_invoice_and_other_caisses_get_404(
    client, curl, cde11, cde19, agent_cde11, agent_cde19, staff_invoice, name
):
    client.force_login(agent_cde11)
    assert client.get(curl(cde11, name, invoice_uuid=staff_invoice.uuid)).status_code == 200
    client.force_login(agent_cde19)
    assert client.get(curl(cde11, name, invoice_uuid=staff_invoice.uuid)).status_code == 404
    assert client.get(curl(cde19, name, invoice_uuid=staff_invoice.uuid)).status_code == 404


def test_agents_find_an_adult_invoice_by_name_and_see_the_adult_on_it(
    client, curl, cde11, agent_cde11, registration, staff_invoice
):
    client.force_login(agent_cde11)
    found = client.get(curl(cde11, "backoffice:billing_invoices"), {"q": "fontaine"}).content.decode()
    assert "Restauration 40950" in found and "Claire FONTAINE" in found
    detail = client.get(
        curl(cde11, "backoffice:billing_invoice", invoice_uuid=staff_invoice.uuid)
    ).content.decode()
    assert curl(cde11, "backoffice:adult_registration_detail", registration_uuid=registration.uuid) in detail
    page = client.get(
        curl(cde11, "backoffice:adult_registration_detail", registration_uuid=registration.uuid)
    )
    assert curl(cde11, "backoffice:billing_invoice", invoice_uuid=staff_invoice.uuid) in page.content.decode()


def test_agents_record_a_counter_payment_of_an_adult_invoice(client, curl, cde11, agent_cde11, staff_invoice):
    client.force_login(agent_cde11)
    response = client.post(
        curl(cde11, "backoffice:billing_payment_create", invoice_uuid=staff_invoice.uuid),
        {
            "method": "cheque",
            "amount": "45.00",
            "paid_on": "2026-11-05",
            "reference": "CHQ 1",
            "form_token": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 302
    payment = Payment.objects.get()
    assert (
        payment.household_id is None and payment.adult_registration_id == staff_invoice.adult_registration_id
    )
    staff_invoice.refresh_from_db()
    assert staff_invoice.amount_due == 0
    response = client.post(
        curl(cde11, "backoffice:billing_payment_cancel", payment_uuid=payment.uuid),
        {"reason": "Chèque sans provision"},
    )
    assert response["Location"].endswith(f"/restauration-adulte/{staff_invoice.adult_registration.uuid}/")


def test_a_credit_note_on_an_adult_invoice_is_the_adults(cde11, agent_cde11, staff_invoice):
    note = credit_note_create(
        invoice=staff_invoice,
        reason="Repas non pris",
        lines=[("Sortie scolaire", Decimal("7.50"))],
        actor=agent_cde11,
    )
    assert (note.kind, note.household_id, note.adult_registration_id) == (
        InvoiceKind.CREDIT_NOTE,
        None,
        staff_invoice.adult_registration_id,
    )
    staff_invoice.refresh_from_db()
    assert staff_invoice.amount_due == Decimal("37.50")


def test_reminders_go_to_the_adult_and_the_unpaid_list_shows_them(
    client, curl, cde11, agent_cde11, teacher, registration, django_capture_on_commit_callbacks
):
    due = timezone.localdate() - datetime.timedelta(days=10)
    late = issued_adult_invoice(cde11, registration, number=40960, due_date=due)
    with django_capture_on_commit_callbacks(execute=True):
        count = invoices_send_reminders(caisse=cde11, actor=agent_cde11)
    assert count == 1
    late.refresh_from_db()
    assert late.reminded_at is not None
    [message] = mail.outbox
    assert message.to == ["claire.fontaine@example.fr"]
    assert "Restauration 40960" in message.body and "/cde11/mon-espace/restauration-adulte/" in message.body
    client.force_login(agent_cde11)
    page = client.get(curl(cde11, "backoffice:billing_unpaid")).content.decode()
    assert "Restauration 40960" in page and "Claire FONTAINE" in page
    csv = client.get(curl(cde11, "backoffice:billing_unpaid_csv")).content.decode()
    assert f"40960;{teacher.username};" in csv


# Exports ---------------------------------------------------------------------------------


def test_the_csv_export_has_the_adult_rows(cde11, capsys, teacher, staff_invoice):
    call_command("export_invoices", "--caisse", "cde11", "--period", "2027-03")
    rows = capsys.readouterr().out.splitlines()
    assert rows[0] == "invoice_number;household_ref;child_ref;meals;unit_price;amount;invoice_total;state"
    assert rows[1].split(";")[:7] == ["40950", teacher.username, "", "6", "7.50", "45.00", "45.00"]


def test_the_pes_file_names_the_adult_as_debtor(cde11, teacher, staff_invoice):
    document = assert_official(pes_ormc(caisse=ready_for_pes(cde11), period=staff_invoice.period))
    tiers = document.find("PES_RecetteAller/Bordereau/Piece/LigneDePiece/Tiers")
    info, address = tiers.find("InfoTiers"), tiers.find("Adresse")
    assert [info.find(tag).get("V") for tag in ("RefTiers", "Nom", "Prenom")] == [
        teacher.username,
        "FONTAINE",
        "CLAIRE",
    ]
    assert [address.find(tag).get("V") for tag in ("Adr2", "CP", "Ville")] == [
        "3 RUE KELLER",
        "75011",
        "PARIS",
    ]
    assert staff_invoice.state == InvoiceState.ISSUED


def test_the_run_page_names_the_adult_with_the_school_and_links_the_registration(
    client, curl, cde11, agent_cde11, registration, staff_invoice
):
    household = household_of(UserFactory(), cde11, reference="F100")
    family = InvoiceFactory(
        caisse=cde11, household=household, period=staff_invoice.period, issued=True, number=40949
    )
    client.force_login(agent_cde11)
    page = client.get(
        curl(cde11, "backoffice:billing_run", period_uuid=staff_invoice.period.uuid)
    ).content.decode()
    registration_url = curl(
        cde11, "backoffice:adult_registration_detail", registration_uuid=registration.uuid
    )
    assert f'<a href="{registration_url}">Adulte : Madame Claire FONTAINE</a> — École Keller' in page
    # The household reads by its holder's name and reference (issue 12, item 5).
    household_url = curl(cde11, "backoffice:billing_household", household_uuid=household.uuid)
    assert f'<a href="{household_url}">{household.display_name}</a>' in html.unescape(page)
    assert "(réf. F100)" in household.display_name
    assert curl(cde11, "backoffice:billing_invoice", invoice_uuid=family.uuid) in page
    assert "Foyer ou adulte" in page


def test_agents_find_an_adult_invoice_by_first_name(client, curl, cde11, agent_cde11, staff_invoice):
    client.force_login(agent_cde11)
    found = client.get(curl(cde11, "backoffice:billing_invoices"), {"q": "claire"}).content.decode()
    assert "Restauration 40950" in found and "Adulte : Madame Claire FONTAINE" in found
