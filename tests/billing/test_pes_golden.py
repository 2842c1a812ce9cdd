"""Golden PES V2 files, one bordereau per kind, reviewed by hand: the period's meals, a period with a
credit note, the holiday stays and the adult meals. Each is valid against the official schema v5.11.

After a deliberate change of the format, rewrite them with `REFECTOIRE_UPDATE_GOLDEN=1 pytest
tests/billing/test_pes_golden.py`, then read the diff before committing it.
"""

import datetime
import os
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from refectoire.billing.exports import pes_ormc, pes_ormc_stays
from refectoire.billing.services import credit_note_create
from tests.billing.adults import issued_adult_invoice, teacher_and_registration
from tests.billing.factories import BillingPeriodFactory, GuardianFactory, InvoiceFactory
from tests.billing.pes import assert_official, ready_for_pes
from tests.factories import HouseholdFactory

pytestmark = pytest.mark.django_db

GOLDEN = Path(__file__).resolve().parent / "golden"
NOW = timezone.make_aware(datetime.datetime(2027, 5, 3, 9, 30))


def matches_golden(name: str, content: bytes):
    assert_official(content)
    path = GOLDEN / name
    if os.environ.get("REFECTOIRE_UPDATE_GOLDEN"):
        path.write_bytes(content)
    assert content == path.read_bytes()


def household(caisse, reference, civility, first_name, last_name, street_number, street_name):
    home = HouseholdFactory(caisse=caisse, reference=reference)
    GuardianFactory(
        household=home,
        civility=civility,
        first_name=first_name,
        last_name=last_name,
        street_number=street_number,
        street_name=street_name,
        postcode="75011",
        city="Paris",
    )
    return home


def meals_period(caisse):
    period = BillingPeriodFactory(caisse=caisse)
    invoices = [
        InvoiceFactory(
            caisse=caisse, household=home, period=period, issued=True, number=number, total=Decimal(total)
        )
        for home, number, total in [
            (
                household(caisse, "F100", "mme", "Allison", "Lovinfosse", "12", "rue de la Roquette"),
                41001,
                "42.00",
            ),
            (
                household(caisse, "F200", "m", "Benoît", "Kéita-Durand", "3 bis", "passage Saint-Ambroise"),
                41002,
                "87.50",
            ),
            (household(caisse, "F300", "mme", "Zoé", "N'Diaye", "140", "boulevard Voltaire"), 41003, "0.00"),
        ]
    ]
    return period, invoices


def test_golden_period_of_meals(cde11):
    period, _invoices = meals_period(ready_for_pes(cde11))
    matches_golden("pes_period_meals.xml", pes_ormc(caisse=cde11, period=period, now=NOW))


def test_golden_period_with_a_credit_note(cde11):
    period, invoices = meals_period(ready_for_pes(cde11))
    credit_note_create(
        invoice=invoices[1], reason="Grève du 12 mars", lines=[("Repas non servi le 12/03", Decimal("7.00"))]
    )
    matches_golden("pes_period_credit_note.xml", pes_ormc(caisse=cde11, period=period, now=NOW))


def test_golden_holiday_stays(cde19):
    ready_for_pes(
        cde19, pes_id_post="075019", siret="26751907200016", pes_cod_col="319", pes_product_code="CANT"
    )
    issued = timezone.make_aware(datetime.datetime(2027, 6, 10, 10, 0))
    for home, number, label, total in [
        (
            household(cde19, "S19-001", "m", "Karim", "Haddad", "5", "rue de Meaux"),
            42001,
            "Séjour Classe de neige — Inès",
            "300.00",
        ),
        (
            household(cde19, "S19-002", "mme", "Julie", "Martin", "21", "avenue Secrétan"),
            42002,
            "Séjour Poney — Léo",
            "120.00",
        ),
    ]:
        InvoiceFactory(
            caisse=cde19,
            household=home,
            period=None,
            issued=True,
            number=number,
            label=label,
            total=Decimal(total),
            issued_at=issued,
        )
    content = pes_ormc_stays(
        caisse=cde19, first_day=datetime.date(2027, 6, 1), last_day=datetime.date(2027, 6, 30), now=NOW
    )
    matches_golden("pes_holiday_stays.xml", content)


def test_golden_adult_meals(cde11, agent_cde11):
    teacher, registration = teacher_and_registration(ready_for_pes(cde11), agent_cde11)
    teacher.username = "C7F-KELLR"
    teacher.save()
    invoice = issued_adult_invoice(cde11, registration, number=41010)
    matches_golden("pes_adult_meals.xml", pes_ormc(caisse=cde11, period=invoice.period, now=NOW))


def test_the_demo_exports_of_both_caisses_are_valid_against_the_official_schema(capsys):
    """Done when of issue 21: the demo's ORMC files of both Caisses for the issued period."""
    import io

    from django.core.management import call_command

    call_command("seed_demo", stdout=io.StringIO())
    for slug in ("cde11", "cde19"):
        call_command("export_invoices", "--caisse", slug, "--period", "2026-09", "--format", "pes")
        document = assert_official(capsys.readouterr().out)
        assert document.find("EnTetePES/CodCol").get("V") == {"cde11": "311", "cde19": "319"}[slug]
        assert int(document.find("PES_RecetteAller/Bordereau/BlocBordereau/NbrPce").get("V")) > 1
