import io

import pytest
from django.core.management import call_command

from refectoire.billing.enums import InvoiceState, LineKind
from refectoire.billing.models import Invoice

pytestmark = pytest.mark.django_db


def test_the_demo_bills_the_demo_adults_with_the_households_and_runs_twice_unchanged():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=io.StringIO())
    assert "Restauration adulte  E11-PROFS" in out.getvalue()
    # listed with the other demo accounts, before the households
    accounts = out.getvalue().split("Foyers de démonstration")[0]
    assert "Parent               P19-INESM" in accounts and "Restauration adulte  E19-ATSEM" in accounts
    adults = Invoice.objects.filter(adult_registration__isnull=False).select_related(
        "adult_registration__user"
    )
    assert sorted((i.caisse.slug, i.adult_registration.user.username) for i in adults) == [
        ("cde11", "E11-PROFS"),
        ("cde19", "E19-ATSEM"),
    ]
    for invoice in adults:
        assert invoice.state == InvoiceState.ISSUED and invoice.total > 0
        assert invoice.period.label == "Septembre / Octobre 2026"
        assert set(invoice.lines.values_list("kind", flat=True)) == {LineKind.ADULT_MEALS}
    households = Invoice.objects.filter(
        caisse__slug="cde11", household__isnull=False, period__label="Septembre / Octobre 2026"
    )
    numbers = sorted(households.values_list("number", flat=True)) + [adults.get(caisse__slug="cde11").number]
    assert numbers == list(range(numbers[0], numbers[0] + len(numbers)))  # one sequence, adults last
