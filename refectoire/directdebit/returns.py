"""The bank's return file: a pain.002 (Customer Payment Status Report, versions .001.03 to .001.10).

Each `TxInfAndSts` names a debit by its `OrgnlEndToEndId` and gives its status `TxSts` (RJCT: rejected,
with the SEPA reason `StsRsnInf/Rsn/Cd`; ACCP, ACSC…: accepted). Read without caring for the
version's namespace; a file that is not a pain.002 is refused whole.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from lxml import etree


@dataclass(frozen=True)
class ReturnedDebit:
    end_to_end_id: str
    status: str  # RJCT, ACCP, ACSC…
    reason_code: str  # AC04… (rejects only)


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


def parse_pain002(content: bytes) -> list[ReturnedDebit]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(content, parser)
    except etree.XMLSyntaxError as error:
        raise ValidationError(_("Fichier de retour illisible : ce n'est pas un XML valide.")) from error
    if not etree.QName(root).namespace or "pain.002" not in etree.QName(root).namespace:
        raise ValidationError(_("Ce fichier n'est pas un compte rendu pain.002 de la banque."))
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
