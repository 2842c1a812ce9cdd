"""Demo: direct debit at cde11 (pain.008 route): Allison Lovinfosse's household signs a mandate (its
first debit is FRST), Marc Petit's mandate was taken over from the former software (RCUR); the
batch of the issued period is generated, and Marc's debit came back rejected (AC04, account closed)."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from refectoire.caisses.models import Caisse
from refectoire.demo.billing import FIRST_PERIOD_STARTS
from refectoire.demo.people import DEMO_PASSWORD
from refectoire.directdebit.banking import creditor_id_with_key
from refectoire.directdebit.enums import DebitState
from refectoire.directdebit.models import DebitBatch, Mandate, SepaSettings
from refectoire.directdebit.services import batch_generate, debit_reject, mandate_sign, sepa_settings_save
from refectoire.households.models import Household
from refectoire.schools.models import BillingPeriod

CAISSE_IBAN = "FR7630006000011234567890189"
# (username, holder, IBAN of a known French bank, taken over from the former software)
MANDATES = [
    ("G4V-RNG6P", "Allison Lovinfosse", "FR1420041010050500013M02606", False),
    ("P11-MARCP", "Marc Petit", "FR7630004000031234567890143", True),
]


def seed(*, stdout):
    caisse = Caisse.objects.filter(slug="cde11").first()
    if caisse is None:
        return
    if not SepaSettings.objects.filter(caisse=caisse).exists():
        sepa_settings_save(
            caisse=caisse,
            creditor_name=caisse.name,
            creditor_id=creditor_id_with_key("FR", "611111"),
            iban=CAISSE_IBAN,
            bic="AGRIFRPP",
            debit_days_after_issue=20,
            prenotification_days=14,
        )
    User = get_user_model()
    for username, holder, iban, taken_over in MANDATES:
        user = User.objects.filter(username=username).first()
        household = Household.objects.for_user(user, caisse).first() if user else None
        if household is None or Mandate.objects.filter(household=household).exists():
            continue
        mandate_sign(
            household=household,
            user=user,
            holder_name=holder,
            iban=iban,
            accepted=True,
            password=DEMO_PASSWORD,
            previously_debited=taken_over,
        )
    period = BillingPeriod.objects.filter(caisse=caisse, start_date=FIRST_PERIOD_STARTS).first()
    if period is None or not Mandate.objects.filter(caisse=caisse).exists():
        return
    if not DebitBatch.objects.filter(caisse=caisse, period=period).exists():
        try:
            batch_generate(caisse=caisse, period=period)
        except ValidationError as error:  # the period not issued (no child enrolled): no batch
            stdout.write(f"directdebit: pas de lot ({' '.join(error.messages)})")
            return
    batch = DebitBatch.objects.get(caisse=caisse, period=period)
    rejected = batch.debits.filter(mandate__previously_debited=True, state=DebitState.SENT).first()
    if rejected is not None:
        debit_reject(debit=rejected, reason_code="AC04")
    stdout.write(
        f"directdebit: cde11 {period.label}, lot {batch.message_id} ({batch.count} prélèvements, un rejet AC04)"
    )
