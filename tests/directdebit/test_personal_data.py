from django.db import connection

from refectoire.directdebit import personal_data
from refectoire.directdebit.models import Mandate
from tests.directdebit.helpers import PARENT_IBAN, setup_sepa, sign


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
