import datetime
import html
import uuid
from decimal import Decimal

from django.core import mail

from refectoire.billing.enums import InvoiceState, RunState
from refectoire.billing.models import BillingRun, Invoice, InvoiceCounter
from refectoire.payments.models import Payment
from refectoire.schools.models import BillingPeriod
from tests.billing.factories import (
    BillingPeriodFactory,
    GuardianFactory,
    InvoiceFactory,
    SchoolYearFactory,
    another_period,
)
from tests.factories import HouseholdFactory


def test_a_manager_defines_a_billing_period(client, curl, cde11, manager_cde11):
    year = SchoolYearFactory(caisse=cde11)
    client.force_login(manager_cde11)
    response = client.post(
        curl(cde11, "backoffice:billing_period_create"),
        {
            "school_year": year.pk,
            "label": "Mars / Avril 2027",
            "start_date": "2027-03-01",
            "end_date": "2027-04-30",
            "payment_opens_at": "2027-04-02T14:00",
            "due_date": "2027-05-31",
        },
    )
    assert response.status_code == 302
    period = BillingPeriod.objects.get(caisse=cde11)
    assert period.code == "2027-03"
    assert period.payment_opens_at.astimezone(datetime.UTC).hour in (12, 13)  # 14h00 in Paris


def test_a_period_ending_before_it_starts_is_refused_next_to_the_field(client, curl, cde11, manager_cde11):
    year = SchoolYearFactory(caisse=cde11)
    client.force_login(manager_cde11)
    response = client.post(
        curl(cde11, "backoffice:billing_period_create"),
        {"school_year": year.pk, "label": "X", "start_date": "2027-03-01", "end_date": "2027-02-01"},
    )
    assert response.status_code == 200
    assert "Le dernier jour doit suivre le premier." in response.content.decode()
    assert not BillingPeriod.objects.exists()


def test_an_agent_records_a_partial_cheque_and_cancels_it(client, curl, cde11, agent_cde11):
    invoice = InvoiceFactory(caisse=cde11, issued=True, total=Decimal("42.00"))
    client.force_login(agent_cde11)
    response = client.post(
        curl(cde11, "backoffice:billing_payment_create", invoice_uuid=invoice.uuid),
        {
            "method": "cheque",
            "amount": "12.00",
            "paid_on": "2026-11-03",
            "reference": "CHQ 1234567",
            "form_token": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.amount_due == Decimal("30.00")
    payment = Payment.objects.get()
    assert (payment.reference, payment.recorded_by) == ("CHQ 1234567", agent_cde11)
    response = client.post(
        curl(cde11, "backoffice:billing_payment_cancel", payment_uuid=payment.uuid),
        {"reason": "Chèque sans provision"},
    )
    assert response.status_code == 302
    invoice.refresh_from_db()
    payment.refresh_from_db()
    assert invoice.amount_due == Decimal("42.00")
    assert (payment.state, payment.cancel_reason) == ("cancelled", "Chèque sans provision")
    page = client.get(curl(cde11, "backoffice:billing_invoice", invoice_uuid=invoice.uuid)).content.decode()
    assert "Paiement annulé" in page and "payment_cancelled" not in page and "Chèque sans provision" in page


def test_an_overpayment_can_be_refunded_but_not_more(client, curl, cde11, agent_cde11):
    invoice = InvoiceFactory(caisse=cde11, issued=True, total=Decimal("10.00"))
    client.force_login(agent_cde11)
    client.post(
        curl(cde11, "backoffice:billing_payment_create", invoice_uuid=invoice.uuid),
        {
            "method": "cash",
            "amount": "15.00",
            "paid_on": "2026-11-03",
            "confirm_overpayment": "on",
            "form_token": str(uuid.uuid4()),
        },
    )
    url = curl(cde11, "backoffice:billing_refund", household_uuid=invoice.household.uuid)
    client.post(url, {"method": "transfer", "amount": "6.00", "paid_on": "2026-11-10"})
    client.post(url, {"method": "transfer", "amount": "5.00", "paid_on": "2026-11-10"})
    refund = Payment.objects.get(is_refund=True)
    assert refund.amount == Decimal("-5.00")


def test_a_credit_note_is_made_from_the_invoice_page(client, curl, cde11, agent_cde11):
    invoice = InvoiceFactory(caisse=cde11, issued=True, number=40945, total=Decimal("42.00"))
    InvoiceCounter.objects.create(caisse=cde11, next_number=40946)
    client.force_login(agent_cde11)
    response = client.post(
        curl(cde11, "backoffice:billing_credit_note", invoice_uuid=invoice.uuid),
        {"reason": "Grève du 12/03", "line_label": "Repas non servi le 12/03", "amount": "3.50"},
    )
    note = Invoice.objects.get(number=40946)
    assert response["Location"].endswith(f"/factures/{note.uuid}/")
    assert note.credited_invoice == invoice
    invoice.refresh_from_db()
    assert invoice.amount_due == Decimal("38.50")


def test_reminders_send_one_email_per_household_and_csv_lists_them(
    client, curl, cde11, agent_cde11, django_capture_on_commit_callbacks
):
    household = HouseholdFactory(caisse=cde11)
    GuardianFactory(household=household, email="famille@example.fr")
    late = datetime.date(2020, 1, 31)
    InvoiceFactory(caisse=cde11, household=household, issued=True, number=1, due_date=late)
    InvoiceFactory(
        caisse=cde11, household=household, issued=True, number=2, due_date=late, period=another_period(cde11)
    )
    InvoiceFactory(caisse=cde11, issued=True, number=3)  # not yet due
    client.force_login(agent_cde11)
    page = client.get(curl(cde11, "backoffice:billing_unpaid")).content.decode()
    assert "Restauration 1 - " in page and "Restauration 3 - " not in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(curl(cde11, "backoffice:billing_unpaid_remind"))
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["famille@example.fr"]
    assert "Restauration 1" in mail.outbox[0].body and "Restauration 2" in mail.outbox[0].body
    csv_text = client.get(curl(cde11, "backoffice:billing_unpaid_csv")).content.decode()
    assert csv_text.splitlines()[0] == "invoice_number;household_ref;label;invoice_total;amount_due;due_date"
    assert len(csv_text.splitlines()) == 3


def test_the_run_page_shows_a_progress_bar_that_refreshes_while_computing(client, curl, cde11, manager_cde11):
    period = BillingPeriodFactory(caisse=cde11)
    BillingRun.objects.create(
        caisse=cde11, period=period, state=RunState.COMPUTING, households_total=200, households_done=50
    )
    client.force_login(manager_cde11)
    page = client.get(curl(cde11, "backoffice:billing_run", period_uuid=period.uuid)).content.decode()
    # Without JavaScript the page refreshes itself; with it, live-progress.js polls the fragment and a
    # live region (present from the start) announces each tenth of the way.
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page
    assert "js/live-progress.js" in page
    assert 'data-live-progress="/cde11/' in page
    assert 'role="status" aria-live="polite" aria-atomic="true" data-progress-announce' in page
    assert '<progress id="run-progress-bar" max="100" value="25">' in page
    fragment = client.get(
        curl(cde11, "backoffice:billing_run_progress", period_uuid=period.uuid)
    ).content.decode()
    assert "50 dossiers sur 200 (foyers et adultes)" in fragment
    assert 'data-percent="25"' in fragment and "Calcul des factures : 25 %" in fragment
    assert "data-done" not in fragment
    BillingRun.objects.filter(period=period).update(state=RunState.DRAFT, households_done=200)
    fragment = client.get(
        curl(cde11, "backoffice:billing_run_progress", period_uuid=period.uuid)
    ).content.decode()
    assert "data-done" in fragment and "Calcul terminé. Brouillon." in fragment


def test_a_manager_issues_a_draft_run_from_the_screen(client, curl, cde11, manager_cde11):
    period = BillingPeriodFactory(caisse=cde11)
    BillingRun.objects.create(caisse=cde11, period=period, state=RunState.DRAFT)
    invoice = InvoiceFactory(caisse=cde11, period=period)
    client.force_login(manager_cde11)
    client.post(curl(cde11, "backoffice:billing_run_issue", period_uuid=period.uuid), {"confirm": "yes"})
    invoice.refresh_from_db()
    assert invoice.state == InvoiceState.ISSUED and invoice.number == 1
    home = client.get(curl(cde11, "backoffice:billing_home")).content.decode()
    assert "Mars / Avril 2027" in home and "émise" in home


MANAGER_ONLY = "Le calcul et l'émission des factures sont réservés aux gestionnaires de la Caisse"


def test_a_plain_agent_on_a_period_page_is_told_a_manager_runs_the_billing(
    client, curl, cde11, agent_cde11, manager_cde11
):
    period = BillingPeriodFactory(caisse=cde11)
    url = curl(cde11, "backoffice:billing_run", period_uuid=period.uuid)
    client.force_login(agent_cde11)
    page = html.unescape(client.get(url).content.decode())
    assert MANAGER_ONLY in page and "Calculer les factures" not in page
    client.force_login(manager_cde11)
    page = html.unescape(client.get(url).content.decode())
    assert MANAGER_ONLY not in page and "Calculer les factures" in page
