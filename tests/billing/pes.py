"""Helpers of the PES V2 tests: the official DGFiP schema set (v5.11) and a Caisse ready to export."""

from functools import cache
from pathlib import Path

from lxml import etree

from refectoire.demo.caisses import CAISSES

PES_ALLER_XSD = (
    Path(__file__).resolve().parents[2]
    / "refectoire"
    / "billing"
    / "resources"
    / "pes_v2"
    / "PES_V2"
    / "Rev0"
) / "PES_Aller.xsd"

# The demo's plausible identifiers of cde11 (the SIRET's Luhn key is right), as the back office takes them.
IDENTIFIERS = next(spec["accounting"] for spec in CAISSES if spec["slug"] == "cde11")


@cache
def official_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(PES_ALLER_XSD)))


def assert_official(xml: bytes | str) -> etree._Element:
    """The parsed document, after checking it against the official PES_Aller.xsd (v5.11)."""
    document = etree.fromstring(xml.encode() if isinstance(xml, str) else xml)
    official_schema().assertValid(document)
    return document


def ready_for_pes(caisse, **overrides):
    for name, value in {**IDENTIFIERS, **overrides}.items():
        setattr(caisse, name, value)
    caisse.save()
    return caisse


def complete_debtors(caisse):
    """Give the account holders of `caisse` what the accountant needs: civility and full address."""
    from refectoire.households.models import Guardian

    Guardian.objects.filter(household__caisse=caisse, civility="").update(civility="mme")
    Guardian.objects.filter(household__caisse=caisse, street_name="").update(
        street_number="5", street_name="rue de Meaux", postcode="75019", city="Paris"
    )
