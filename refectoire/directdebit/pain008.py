"""pain.008 (SEPA Direct Debit Core) files: built with sepaxml, validated against the official
ISO 20022 XSD that sepaxml ships (`sepaxml/schemas/pain.008.001.0X.xsd`), never a schema of ours.

A file is deterministic: the message id, the creation time and the payment-information ids come
from the batch (sepaxml would draw them at random), so the same batch gives the same bytes.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path

import sepaxml
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from lxml import etree
from sepaxml import SepaDD

SCHEMAS = Path(sepaxml.__file__).resolve().parent / "schemas"
VERSIONS = ("pain.008.001.02", "pain.008.001.08")


@dataclass(frozen=True)
class Creditor:
    name: str
    creditor_id: str
    iban: str
    bic: str


@dataclass(frozen=True)
class DebitLine:
    end_to_end_id: str
    amount: Decimal
    sequence_type: str
    collection_date: datetime.date
    mandate_reference: str
    mandate_signed_on: datetime.date
    debtor_name: str
    iban: str
    bic: str
    description: str
    address: dict = field(default_factory=dict)  # pain.008.001.08: structured (street_name, postcode, town…)


@cache
def schema(version: str) -> etree.XMLSchema:
    if version not in VERSIONS:
        raise ValueError(f"unknown pain.008 version {version!r}")
    return etree.XMLSchema(etree.parse(str(SCHEMAS / f"{version}.xsd")))


def validate(content: bytes, version: str) -> None:
    """Raise a ValidationError (French) unless `content` is valid against the official XSD."""
    try:
        document = etree.fromstring(content)
    except etree.XMLSyntaxError as error:
        raise ValidationError(_("Fichier SEPA illisible : %(error)s") % {"error": error}) from error
    xsd = schema(version)
    if not xsd.validate(document):
        raise ValidationError(
            _("Le fichier SEPA n'est pas conforme au schéma %(version)s : %(error)s")
            % {"version": version, "error": xsd.error_log.last_error}
        )


def build(
    *,
    creditor: Creditor,
    lines: list[DebitLine],
    version: str,
    message_id: str,
    created_at: datetime.datetime,
) -> bytes:
    """The pain.008 file of `lines`, one payment information per (sequence type, date), validated."""
    if version not in VERSIONS:
        raise ValueError(f"unknown pain.008 version {version!r}")
    config = {
        "name": creditor.name,
        "IBAN": creditor.iban,
        "BIC": creditor.bic,
        "batch": True,
        "creditor_id": creditor.creditor_id,
        "currency": "EUR",
        "instrument": "CORE",
    }
    document = SepaDD(config, schema=version, clean=True)
    for line in lines:
        payment = {
            "name": line.debtor_name,
            "IBAN": line.iban,
            "amount": int((line.amount * 100).to_integral_value()),
            "type": line.sequence_type,
            "collection_date": line.collection_date,
            "mandate_id": line.mandate_reference,
            "mandate_date": line.mandate_signed_on,
            "description": line.description,
            "endtoend_id": line.end_to_end_id,
        }
        if line.bic:
            payment["BIC"] = line.bic
        if version == "pain.008.001.08" and line.address:
            payment["address"] = dict(line.address)
        document.add_payment(payment)
    raw = document.export(validate=False)
    tree = etree.fromstring(raw)
    namespace = {"p": f"urn:iso:std:iso:20022:tech:xsd:{version}"}
    for node in tree.iterfind(".//p:GrpHdr/p:MsgId", namespace):
        node.text = message_id
    for node in tree.iterfind(".//p:GrpHdr/p:CreDtTm", namespace):
        node.text = created_at.strftime("%Y-%m-%dT%H:%M:%S")
    for number, node in enumerate(tree.iterfind(".//p:PmtInf/p:PmtInfId", namespace), start=1):
        node.text = f"{message_id}-{number}"[:35]
    content = etree.tostring(tree, xml_declaration=True, encoding="UTF-8")
    validate(content, version)
    return content
