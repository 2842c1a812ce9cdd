"""Helpers of the PES V2 tests: the official DGFiP schema set (v5.11) and a Caisse ready to export."""

from functools import cache
from pathlib import Path

from lxml import etree

PES_ALLER_XSD = (
    Path(__file__).resolve().parents[2]
    / "refectoire"
    / "billing"
    / "resources"
    / "pes_v2"
    / "PES_V2"
    / "Rev0"
) / "PES_Aller.xsd"

# Plausible identifiers (the SIRET's Luhn key is right), as the back office takes them.
IDENTIFIERS = {
    "pes_id_post": "075011",
    "pes_post_label": "SGC Paris 11e",
    "siret": "26751105900011",
    "pes_cod_col": "311",
    "pes_cod_bud": "01",
    "pes_nature": "7067",
    "pes_function": "251",
    "pes_product_code": "REST",
}


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
