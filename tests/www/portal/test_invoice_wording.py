"""The parents' invoice screens read as the 11e guide: « Restauration 40945 - Mars / Avril 2024 »,
« Facture non réglée », « Le paiement en ligne est disponible à partir du 02/04/2024 à 14h00 »,
« Payer la facture »; and the adult invoices of a parent who is also school staff are signposted."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from refectoire.billing.enums import InvoiceKind
from refectoire.billing.models import Invoice
from tests.billing.adults import issued_adult_invoice, teacher_and_registration
from tests.billing.factories import BillingPeriodFactory, InvoiceFactory, PayfipSettingsFactory, household_of

pytestmark = pytest.mark.django_db

YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)


@pytest.fixture
def household(cde11, parent_a):
    return household_of(parent_a, cde11)


def issued(caisse, household, number, **kwargs):
    return InvoiceFactory(caisse=caisse, household=household, issued=True, number=number, **kwargs)


def test_the_list_says_facture_non_reglee_and_when_the_due_date_is_past(
    client, curl, cde11, parent_a, household
):
    unpaid = issued(cde11, household, 40945)
    late = issued(
        cde11,
        household,
        40946,
        period=BillingPeriodFactory(
            caisse=cde11, start_date=datetime.date(2026, 11, 1), label="Nov. / Déc. 2026"
        ),
        due_date=YESTERDAY,
    )
    paid = issued(
        cde11,
        household,
        40947,
        period=BillingPeriodFactory(
            caisse=cde11, start_date=datetime.date(2026, 9, 1), label="Sept. / Oct. 2026"
        ),
    )
    Invoice.objects.filter(pk=paid.pk).update(amount_paid=paid.total)
    client.force_login(parent_a)
    page = client.get(curl(cde11, "portal:invoice_list")).content.decode()
    assert (
        f'<a href="{curl(cde11, "portal:invoice_detail", invoice_uuid=unpaid.uuid)}">Restauration 40945 - Mars / Avril 2027</a>'
        in page
    )
    assert 'fr-badge--warning">Facture non réglée</span>' in page
    assert 'fr-badge--error">Facture non réglée — échéance dépassée</span>' in page
    assert 'fr-badge--success">Facture réglée</span>' in page
    assert ">à payer<" not in page and ">en retard<" not in page and ">payée<" not in page
    assert late.title in page


def test_a_partly_paid_invoice_says_what_is_left_and_a_credit_note_reads_avoir(
    client, curl, cde11, parent_a, household
):
    invoice = issued(cde11, household, 40945)
    Invoice.objects.filter(pk=invoice.pk).update(amount_paid=Decimal("12.00"))
    note = InvoiceFactory(
        caisse=cde11,
        household=household,
        period=invoice.period,
        kind=InvoiceKind.CREDIT_NOTE,
        credited_invoice=invoice,
        issued=True,
        number=40946,
        total=Decimal("5.00"),
        with_line=False,
    )
    client.force_login(parent_a)
    page = client.get(curl(cde11, "portal:invoice_list")).content.decode()
    assert 'Facture non réglée</span><br><span class="fr-text--sm">reste à payer : 30,00\xa0€</span>' in page
    assert f"{note.title}</a></td>" in page and ">Avoir</span>" in page


def test_the_detail_and_the_pay_page_read_as_the_guide_before_the_opening_hour(
    client, curl, cde11, parent_a, household
):
    PayfipSettingsFactory(caisse=cde11)
    opens_at = timezone.make_aware(datetime.datetime(timezone.localdate().year + 1, 4, 2, 14, 0))
    period = BillingPeriodFactory(
        caisse=cde11,
        start_date=datetime.date(2024, 3, 1),
        label="Mars / Avril 2024",
        payment_opens_at=opens_at,
    )
    invoice = issued(cde11, household, 40945, period=period, payment_opens_at=opens_at)
    opening = f"Le paiement en ligne est disponible à partir du 02/04/{opens_at.year} à 14h00"
    client.force_login(parent_a)

    detail = client.get(curl(cde11, "portal:invoice_detail", invoice_uuid=invoice.uuid)).content.decode()
    assert "<h1>Restauration 40945 - Mars / Avril 2024</h1>" in detail
    assert ">Facture non réglée</span>" in detail
    assert opening in detail
    assert (
        f'href="{curl(cde11, "portal:invoice_pay", invoice_uuid=invoice.uuid)}">Payer la facture</a>'
        in detail
    )

    pay = client.get(curl(cde11, "portal:invoice_pay", invoice_uuid=invoice.uuid)).content.decode()
    assert "<h1>Payer ma facture en ligne</h1>" in pay
    assert '<h2 class="fr-h4">Restauration 40945 - Mars / Avril 2024</h2>' in pay
    assert "Facture non réglée : 42,00\xa0€" in pay
    assert opening in pay
    assert "<button" not in pay.split("<main", 1)[-1].split("Retour à la facture")[0]


def test_once_open_the_pay_page_offers_payfip_and_the_detail_no_longer_gives_a_date(
    client, curl, cde11, parent_a, household
):
    PayfipSettingsFactory(caisse=cde11)
    invoice = issued(cde11, household, 40945)  # payment open (no opening hour)
    client.force_login(parent_a)
    detail = client.get(curl(cde11, "portal:invoice_detail", invoice_uuid=invoice.uuid)).content.decode()
    assert "disponible à partir du" not in detail
    pay = client.get(curl(cde11, "portal:invoice_pay", invoice_uuid=invoice.uuid)).content.decode()
    assert (
        "Vous pouvez effectuer un règlement avec PayFIP, service de paiement sécurisé de la Direction" in pay
    )
    assert '<button class="fr-btn" type="submit">Payer la facture</button>' in pay


# A parent who is also school staff -------------------------------------------------------


@pytest.fixture
def staff_parent(cde11, agent_cde11):
    """Claire Fontaine: teacher at École Keller (one adult invoice, 45 €) and mother of a household."""
    teacher, registration = teacher_and_registration(cde11, agent_cde11)
    household = household_of(teacher, cde11)
    issued(cde11, household, 40945)
    adult_invoice = issued_adult_invoice(cde11, registration, number=40950)
    return teacher, adult_invoice


def test_factures_signposts_the_adult_invoices_without_mixing_them_with_the_household(
    client, curl, cde11, staff_parent
):
    teacher, adult_invoice = staff_parent
    client.force_login(teacher)
    page = client.get(curl(cde11, "portal:invoice_list")).content.decode()
    assert "Vos factures de restauration adulte" in page
    assert "Vous avez 1 facture de restauration adulte" in page
    assert "1 facture non réglée : 45,00\xa0€." in page
    assert f'href="{curl(cde11, "portal:adult_meals")}">Voir mes factures de restauration adulte</a>' in page
    # The household's table and balance are the household's alone.
    assert adult_invoice.title not in page
    assert "Reste à payer : 42,00\xa0€" in page


def test_a_paid_adult_invoice_still_shows_the_link_and_no_amount(client, curl, cde11, staff_parent):
    teacher, adult_invoice = staff_parent
    Invoice.objects.filter(pk=adult_invoice.pk).update(amount_paid=adult_invoice.total)
    client.force_login(teacher)
    page = client.get(curl(cde11, "portal:invoice_list")).content.decode()
    assert "Vos factures de restauration adulte" in page and "non réglée : 45,00" not in page


def test_an_adult_without_a_household_sees_the_link_instead_of_the_no_household_text(
    client, curl, cde11, agent_cde11
):
    teacher, registration = teacher_and_registration(cde11, agent_cde11)
    issued_adult_invoice(cde11, registration, number=40950)
    client.force_login(teacher)
    page = client.get(curl(cde11, "portal:invoice_list")).content.decode()
    assert "Vos factures de restauration adulte" in page
    assert "Aucun foyer n'est rattaché" not in page


def test_other_users_and_other_caisses_never_see_the_adult_section(
    client, curl, cde11, cde19, parent_b, staff_parent
):
    teacher, _adult_invoice = staff_parent
    household_of(parent_b, cde11)
    client.force_login(parent_b)
    assert "restauration adulte" not in client.get(curl(cde11, "portal:invoice_list")).content.decode()
    client.force_login(teacher)  # the teacher's invoices are cde11's: nothing on cde19
    page = client.get(curl(cde19, "portal:invoice_list")).content.decode()
    assert "Vos factures de restauration adulte" not in page
