"""Stay invoices on the screens: the parent's « Factures » and stay pages, the agents' participants,
and isolation (another family, another Caisse)."""

import pytest

from refectoire.stays.invoicing import stay_invoice_issue
from tests.billing.stays import confirmed_place, priced_caisse
from tests.stays.factories import family

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoiced(cde11, parent_a):
    """Parent A's child has a confirmed, invoiced place (300 €: tarif 10) in cde11."""
    priced_caisse(cde11)
    choice = confirmed_place(cde11, user=parent_a)
    invoice = stay_invoice_issue(choice=choice)
    return choice, invoice


def test_the_stay_invoice_is_in_the_parents_invoices_with_its_line(client, curl, cde11, parent_a, invoiced):
    choice, invoice = invoiced
    client.force_login(parent_a)
    page = client.get(curl(cde11, "portal:invoice_list")).content.decode()
    assert invoice.title in page and "300,00\xa0€" in page and "Facture non réglée" in page
    detail = client.get(curl(cde11, "portal:invoice_detail", invoice_uuid=invoice.uuid)).content.decode()
    assert f"séjour « {choice.stay.title} »" in detail
    assert "premier jour du séjour (15/02/2027)" in detail
    assert "Reste à payer : 300,00\xa0€" in detail
    pdf = client.get(curl(cde11, "portal:invoice_pdf", invoice_uuid=invoice.uuid))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_the_stay_pages_show_the_invoice_and_a_link_to_pay_it(client, curl, cde11, parent_a, invoiced):
    choice, invoice = invoiced
    client.force_login(parent_a)
    pay = curl(cde11, "portal:invoice_pay", invoice_uuid=invoice.uuid)
    detail = curl(cde11, "portal:invoice_detail", invoice_uuid=invoice.uuid)
    for page in (
        client.get(curl(cde11, "portal:stay_application", application_uuid=choice.application.uuid)),
        client.get(curl(cde11, "portal:stays_home")),
    ):
        html = page.content.decode()
        assert f"Facture n° {invoice.number}" in html
        assert f'href="{detail}"' in html and f'href="{pay}"' in html


def test_a_paid_stay_invoice_shows_paid_on_the_stay_page(client, curl, cde11, parent_a, invoiced):
    choice, invoice = invoiced
    invoice.amount_paid = invoice.total
    invoice.save()
    client.force_login(parent_a)
    html = client.get(
        curl(cde11, "portal:stay_application", application_uuid=choice.application.uuid)
    ).content.decode()
    assert f"Facture n° {invoice.number}" in html and "Facture réglée" in html
    assert curl(cde11, "portal:invoice_pay", invoice_uuid=invoice.uuid) not in html


def test_another_family_and_another_caisse_never_see_the_stay_invoice(
    client, curl, cde11, cde19, parent_a, parent_b, invoiced
):
    choice, invoice = invoiced
    family(cde11, user=parent_b)
    family(cde19, user=parent_a)
    client.force_login(parent_b)
    for name in ("portal:invoice_detail", "portal:invoice_pdf", "portal:invoice_pay"):
        assert client.get(curl(cde11, name, invoice_uuid=invoice.uuid)).status_code == 404
        assert client.get(curl(cde19, name, invoice_uuid=invoice.uuid)).status_code == 404
    assert invoice.title not in client.get(curl(cde11, "portal:invoice_list")).content.decode()
    client.force_login(parent_a)
    for name in ("portal:invoice_detail", "portal:invoice_pdf", "portal:invoice_pay"):
        assert client.get(curl(cde19, name, invoice_uuid=invoice.uuid)).status_code == 404
    assert invoice.title not in client.get(curl(cde19, "portal:invoice_list")).content.decode()
    assert f"Facture n° {invoice.number}" not in client.get(curl(cde19, "portal:stays_home")).content.decode()


def test_the_participants_list_shows_invoiced_and_paid(client, curl, cde11, agent_cde11, parent_b, invoiced):
    choice, invoice = invoiced
    stay = choice.stay
    confirmed_place(cde11, user=parent_b, stay=stay)  # confirmed, not invoiced yet
    client.force_login(agent_cde11)
    url = curl(cde11, "backoffice:stay_detail", stay_uuid=stay.uuid) + "?liste=retenus"
    html = client.get(url).content.decode()
    assert f"n° {invoice.number}" in html and "facturé 300,00\xa0€" in html and "à payer" in html
    assert "à facturer" in html
    assert curl(cde11, "backoffice:billing_invoice", invoice_uuid=invoice.uuid) in html
    invoice.amount_paid = invoice.total
    invoice.save()
    assert "payée" in client.get(url).content.decode()


def test_an_agent_of_another_caisse_does_not_see_the_participants(client, curl, cde11, agent_cde19, invoiced):
    choice, _invoice = invoiced
    client.force_login(agent_cde19)
    assert client.get(curl(cde11, "backoffice:stay_detail", stay_uuid=choice.stay.uuid)).status_code in (
        403,
        404,
    )
