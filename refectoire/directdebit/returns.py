"""The bank's return files, told apart by their namespace:

- **pain.002** (Customer Payment Status Report, versions .001.03 to .001.10): each `TxInfAndSts`
  names a debit by its `OrgnlEndToEndId` and gives its status `TxSts` (RJCT: rejected, with the SEPA
  reason `StsRsnInf/Rsn/Cd`; ACCP, ACSC…: accepted). Read without caring for the version.
- **camt.054.001.02** (Bank To Customer Debit Credit Notification, the « avis de rejet / retour »
  French banks send): validated first against the official ISO 20022 XSD vendored in
  `resources/camt054/` (see its SOURCE.md). Each `Ntry/NtryDtls/TxDtls` names a debit by
  `Refs/EndToEndId` (or, when the bank gives none, `Refs/MndtId` and the amount); a `RtrInf` makes
  it a reject (reason `RtrInf/Rsn/Cd`), otherwise it is the collection booked (accepted).

Any other file is refused whole, with a French message.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from lxml import etree

CAMT054_NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:camt.054.001.02"
CAMT054_XSD = Path(__file__).resolve().parent / "resources" / "camt054" / "camt.054.001.02.xsd"
# What a bank writes when the creditor gave no end-to-end reference.
NOT_PROVIDED = "NOTPROVIDED"


@dataclass(frozen=True)
class ReturnedDebit:
    end_to_end_id: str  # "" when the bank only gives the mandate (camt.054)
    status: str  # RJCT, ACCP, ACSC…
    reason_code: str  # AC04… (rejects only)
    mandate_id: str = ""
    amount: Decimal | None = None

    @property
    def reference(self) -> str:
        """How the file names the debit, for an error message."""
        return self.end_to_end_id or f"{self.mandate_id} ({self.amount})"


def _local(node) -> str:
    return etree.QName(node).localname


def _child(node, name):
    for child in node:
        if isinstance(child.tag, str) and _local(child) == name:
            return child
    return None


def _text(node, *path) -> str:
    for name in path:
        if node is None:
            return ""
        node = _child(node, name)
    return (node.text or "").strip() if node is not None else ""


def _parse(content: bytes):
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        return etree.fromstring(content, parser)
    except etree.XMLSyntaxError as error:
        raise ValidationError(_("Fichier de retour illisible : ce n'est pas un XML valide.")) from error


def parse_return_file(content: bytes) -> list[ReturnedDebit]:
    """The debits a pain.002 or a camt.054.001.02 names, or a ValidationError (French)."""
    root = _parse(content)
    namespace = etree.QName(root).namespace or ""
    if "pain.002" in namespace:
        return _pain002(root)
    if namespace == CAMT054_NAMESPACE:
        return _camt054(root)
    if "camt.054" in namespace:
        raise ValidationError(
            _(
                "Cet avis camt.054 est dans une version non lue (%(namespace)s) : seule la version camt.054.001.02 est lue."
            )
            % {"namespace": namespace.rsplit(":", 1)[-1]}
        )
    raise ValidationError(
        _("Ce fichier n'est ni un compte rendu pain.002 ni un avis de rejet camt.054 de la banque.")
    )


def _pain002(root) -> list[ReturnedDebit]:
    rows = []
    for node in root.iter():
        if not isinstance(node.tag, str) or _local(node) != "TxInfAndSts":
            continue
        end_to_end = _text(node, "OrgnlEndToEndId")
        status = _text(node, "TxSts")
        reason = _text(node, "StsRsnInf", "Rsn", "Cd")
        if not end_to_end or not status:
            raise ValidationError(_("Fichier de retour incomplet : une opération sans référence ni statut."))
        rows.append(ReturnedDebit(end_to_end_id=end_to_end, status=status, reason_code=reason))
    if not rows:
        raise ValidationError(_("Ce compte rendu ne contient aucune opération."))
    return rows


@cache
def camt054_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(CAMT054_XSD)))


def _amount(text: str) -> Decimal | None:
    try:
        return Decimal(text) if text else None
    except InvalidOperation:
        return None


def _camt054(root) -> list[ReturnedDebit]:
    xsd = camt054_schema()
    if not xsd.validate(root):
        error = xsd.error_log.last_error
        raise ValidationError(
            _("L'avis camt.054 n'est pas conforme au schéma camt.054.001.02 (ligne %(line)s) : %(error)s")
            % {"line": error.line, "error": error.message}
        )
    rows = []
    for entry in root.iter(f"{{{CAMT054_NAMESPACE}}}Ntry"):
        details = [
            transaction
            for block in entry.iterfind(f"{{{CAMT054_NAMESPACE}}}NtryDtls")
            for transaction in block.iterfind(f"{{{CAMT054_NAMESPACE}}}TxDtls")
        ]
        entry_amount = _amount(_text(entry, "Amt"))
        for transaction in details:
            end_to_end = _text(transaction, "Refs", "EndToEndId")
            if end_to_end.upper() == NOT_PROVIDED:
                end_to_end = ""
            mandate_id = _text(transaction, "Refs", "MndtId")
            amount = (
                _amount(_text(transaction, "AmtDtls", "TxAmt", "Amt"))
                or _amount(_text(transaction, "AmtDtls", "InstdAmt", "Amt"))
                or (entry_amount if len(details) == 1 else None)
            )
            if not end_to_end and not (mandate_id and amount):
                raise ValidationError(
                    _(
                        "Avis camt.054 incomplet : une opération sans référence de bout en bout "
                        "(EndToEndId) ni référence de mandat (MndtId) et montant."
                    )
                )
            returned = _child(transaction, "RtrInf")
            rows.append(
                ReturnedDebit(
                    end_to_end_id=end_to_end,
                    status="RJCT" if returned is not None else "ACSC",
                    reason_code=_text(returned, "Rsn", "Cd") if returned is not None else "",
                    mandate_id=mandate_id,
                    amount=amount,
                )
            )
    if not rows:
        raise ValidationError(_("Cet avis camt.054 ne contient aucune opération détaillée."))
    return rows
