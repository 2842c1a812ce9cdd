"""Helpers of the direct debit tests: a Caisse set up for SEPA, a signed mandate, an issued period."""

import datetime
from decimal import Decimal

from django.utils import timezone

from refectoire.billing.enums import RunState
from refectoire.billing.models import BillingRun
from refectoire.directdebit.banking import creditor_id_with_key
from refectoire.directdebit.services import mandate_sign, sepa_settings_save
from tests.billing.factories import BillingPeriodFactory, InvoiceFactory

ICS = creditor_id_with_key("FR", "123456")
CAISSE_IBAN = "FR7630006000011234567890189"  # Crédit agricole (BIC AGRIFRPP)
PARENT_IBAN = "FR1420041010050500013M02606"  # La Banque postale (BIC PSSTFRPP)
PASSWORD = "Cantine2027!"


def setup_sepa(caisse, **overrides):
    values = {
        "caisse": caisse,
        "creditor_name": caisse.name,
        "creditor_id": ICS,
        "iban": CAISSE_IBAN,
        "bic": "AGRIFRPP",
        "debit_days_after_issue": 20,
        "prenotification_days": 14,
        "route": "pain008",
        "pain_version": "pain.008.001.02",
    }
    return sepa_settings_save(**(values | overrides))


def sign(household, user, iban=PARENT_IBAN, **kwargs):
    user.set_password(PASSWORD)
    user.save()
    values = {
        "household": household,
        "user": user,
        "holder_name": user.get_full_name() or "Titulaire",
        "iban": iban,
        "accepted": True,
        "password": PASSWORD,
    }
    return mandate_sign(**(values | kwargs))


def issued_period(caisse, households, *, month=3, total=Decimal("42.00")):
    """A period of `month` 2027 issued by its run, one invoice per household."""
    start = datetime.date(2027, month, 1)
    end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    period = BillingPeriodFactory(
        caisse=caisse, start_date=start, end_date=end, label=f"Période {start:%m/%Y}", payment_opens_at=None
    )
    BillingRun.objects.create(caisse=caisse, period=period, state=RunState.ISSUED, issued_at=timezone.now())
    invoices = [
        InvoiceFactory(caisse=caisse, household=household, period=period, issued=True, total=total)
        for household in households
    ]
    return period, invoices
