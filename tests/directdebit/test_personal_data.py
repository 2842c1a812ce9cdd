from django.db import connection

from refectoire.directdebit import personal_data
from refectoire.directdebit.models import DebitCancellation, Mandate
from refectoire.directdebit.services import debit_cancel
from tests.directdebit.helpers import PARENT_IBAN, issued_period, setup_sepa, sign


def test_export_and_anonymise_cover_the_mandate_and_its_history(
    cde11, household_a, parent_a, household_b, parent_b
):
    setup_sepa(cde11)
    sign(household_a, parent_a)
    other = sign(household_b, parent_b)
    exported = personal_data.export_household(household_a)
    assert exported[0]["iban"] == PARENT_IBAN and exported[0]["holder_name"]
    counts = personal_data.anonymise_household(household_a)
    assert counts["mandates"] == 1 and counts["mandate_history"] >= 1
    mandate = Mandate.objects.get(household=household_a)
    assert mandate.iban == personal_data.ERASED_IBAN and mandate.holder_name == personal_data.ERASED
    assert all(row.iban == personal_data.ERASED_IBAN for row in mandate.history.all())
    with connection.cursor() as cursor:
        cursor.execute("select iban from directdebit_historicalmandate")
        assert all(PARENT_IBAN not in (row[0] or "") for row in cursor.fetchall())
    assert Mandate.objects.get(pk=other.pk).iban == PARENT_IBAN  # the other household keeps its own


def test_anonymise_erases_the_reasons_of_the_household_s_cancelled_debits(
    cde11, household_a, parent_a, household_b, parent_b, agent_cde11
):
    setup_sepa(cde11)
    sign(household_a, parent_a)
    sign(household_b, parent_b)
    _period, (mine, other) = issued_period(cde11, [household_a, household_b])
    debit_cancel(invoice=mine, actor=agent_cde11, reason="Madame Lovinfosse au chômage")
    debit_cancel(invoice=other, actor=agent_cde11, reason="Famille Petit partie")
    counts = personal_data.anonymise_household(household_a)
    assert counts["debit_cancellations"] == 1
    cancellation = DebitCancellation.objects.get(invoice=mine)
    assert cancellation.reason == personal_data.ERASED
    assert all(row.reason == personal_data.ERASED for row in cancellation.history.all())
    assert DebitCancellation.objects.get(invoice=other).reason == "Famille Petit partie"
