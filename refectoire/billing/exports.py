"""Exports of a period: invoices as CSV, receivables as a PES V2 ORMC bordereau (XML).

The invoices without a period (holiday stays, and their credit notes) are exported by issue date
instead: `stay_invoices(caisse=, first_day=, last_day=)`, the same CSV and `pes_ormc_stays`.
"""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from decimal import Decimal

from django.utils import timezone

from refectoire.billing.enums import InvoiceKind
from refectoire.billing.models import Invoice, InvoiceLine
from refectoire.billing.selectors import debtor_reference, invoice_debtor

CSV_HEADER = [
    "invoice_number",
    "household_ref",
    "child_ref",
    "meals",
    "unit_price",
    "amount",
    "invoice_total",
    "state",
]
PES_NAMESPACE = "http://www.minefi.gouv.fr/cp/helios/pes_v2/Rev0/aller"


def issued_invoices(*, caisse, period):
    return (
        Invoice.objects.for_caisse(caisse)
        .issued()
        .filter(period=period)
        .select_related("household", "adult_registration__user")
        .order_by("number")
    )


def stay_invoices(*, caisse, first_day, last_day):
    """The issued invoices of households without a billing period (holiday stays) and their credit
    notes, issued between `first_day` and `last_day` included (local dates)."""
    return (
        Invoice.objects.for_caisse(caisse)
        .issued()
        .filter(
            period__isnull=True,
            household__isnull=False,
            issued_at__date__gte=first_day,
            issued_at__date__lte=last_day,
        )
        .select_related("household")
        .order_by("number")
    )


def invoices_csv_rows(*, caisse, period=None, today=None, invoices=None):
    """A row per line, in invoice-number order; credit lines have no child and a negative amount.

    The invoices of `period`, or the `invoices` given (a queryset, e.g. `stay_invoices(...)`).
    """
    invoices = list(issued_invoices(caisse=caisse, period=period) if invoices is None else invoices)
    lines = (
        InvoiceLine.objects.filter(invoice__in=[invoice.pk for invoice in invoices])
        .select_related("child")
        .order_by("invoice_id", "position")
    )
    by_invoice: dict[int, list[InvoiceLine]] = {}
    for line in lines:
        by_invoice.setdefault(line.invoice_id, []).append(line)
    for invoice in invoices:
        state = invoice.payable_state(today)
        for line in by_invoice.get(invoice.pk, []):
            total = -invoice.total if invoice.kind == InvoiceKind.CREDIT_NOTE else invoice.total
            yield [
                invoice.number,
                debtor_reference(invoice),
                (line.child.reference or str(line.child.uuid)) if line.child_id else "",
                line.meals,
                f"{line.unit_price:.2f}",
                f"{line.amount:.2f}",
                f"{total:.2f}",
                state,
            ]


def invoices_csv(*, caisse, period=None, today=None, invoices=None) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(CSV_HEADER)
    writer.writerows(invoices_csv_rows(caisse=caisse, period=period, today=today, invoices=invoices))
    return out.getvalue()


def unpaid_csv(*, invoices) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(["invoice_number", "household_ref", "label", "invoice_total", "amount_due", "due_date"])
    for invoice in invoices:
        writer.writerow(
            [
                invoice.number,
                debtor_reference(invoice),
                invoice.label,
                f"{invoice.total:.2f}",
                f"{invoice.amount_due:.2f}",
                invoice.due_date.isoformat() if invoice.due_date else "",
            ]
        )
    return out.getvalue()


# PES V2 ----------------------------------------------------------------------------------


def _digits(*parts) -> str:
    return "".join(ch for part in parts for ch in str(part) if ch.isdigit())


def key_modulo_11(*parts) -> str:
    """Check key modulo 11 (weights 2 to 7 from the right; 10 → 0, 11 → 0)."""
    total = sum(int(d) * (2 + index % 6) for index, d in enumerate(reversed(_digits(*parts))))
    key = 11 - total % 11
    return "0" if key >= 10 else str(key)


def key_modulo_23(*parts) -> str:
    """Check key modulo 23, as a letter (A to Z without I, O, U)."""
    letters = "ABCDEFGHJKLMNPQRSTVWXYZ"
    return letters[int(_digits(*parts) or "0") % 23]


def _v(parent, tag, value):
    element = ET.SubElement(parent, tag)
    element.set("V", str(value))
    return element


def pes_ormc(*, caisse, period, accounting=None, now=None) -> bytes:
    """The period's receivables as a PES V2 ORMC bordereau (one Piece per issued invoice)."""
    return _pes_ormc(
        caisse=caisse,
        invoices=issued_invoices(caisse=caisse, period=period),
        file_name=f"PESORMC_{caisse.slug}_{period.code}",
        exer=period.start_date.year,
        bordereau_id=int(period.start_date.strftime("%Y%m")),
        subject=f"Restauration scolaire {period.label}",
        piece_subject=lambda invoice: f"Restauration {invoice.number} {period.label}",
        piece_month=lambda invoice: period.start_date.month,
        accounting=accounting,
        now=now,
    )


def pes_ormc_stays(*, caisse, first_day, last_day, accounting=None, now=None) -> bytes:
    """The holiday-stay invoices issued from `first_day` to `last_day` as one PES V2 ORMC bordereau.

    Its number is the first day as AAAAMMJJ (8 digits: never one of the periods' AAAAMM).
    """
    return _pes_ormc(
        caisse=caisse,
        invoices=stay_invoices(caisse=caisse, first_day=first_day, last_day=last_day),
        file_name=f"PESORMC_{caisse.slug}_sejours_{first_day.isoformat()}_{last_day.isoformat()}",
        exer=first_day.year,
        bordereau_id=int(first_day.strftime("%Y%m%d")),
        subject=f"Séjours de vacances du {first_day:%d/%m/%Y} au {last_day:%d/%m/%Y}",
        piece_subject=lambda invoice: f"Facture {invoice.number} {invoice.label}",
        piece_month=lambda invoice: timezone.localtime(invoice.issued_at).month,
        accounting=accounting,
        now=now,
    )


def _pes_ormc(
    *, caisse, invoices, file_name, exer, bordereau_id, subject, piece_subject, piece_month, accounting, now
) -> bytes:
    now = now or timezone.now()
    accounting = {
        "IdPost": "075000",
        "IdColl": "00000000000000",
        "CodCol": "000",
        "CodBud": "00",
        "CodProdLoc": "RESTAU",
        **(accounting or {}),
    }
    invoices = [
        invoice
        for invoice in invoices.prefetch_related("household__guardians")
        if invoice.kind == InvoiceKind.INVOICE and invoice.total - invoice.amount_credited > 0
    ]
    ET.register_namespace("n", PES_NAMESPACE)
    root = ET.Element(f"{{{PES_NAMESPACE}}}PES_Aller")
    enveloppe = ET.SubElement(root, "Enveloppe")
    parametres = ET.SubElement(enveloppe, "Parametres")
    _v(parametres, "Version", 2)
    _v(parametres, "TypFic", "PESORMC")
    _v(parametres, "NomFic", file_name)
    emetteur = ET.SubElement(enveloppe, "Emetteur")
    _v(emetteur, "Sigle", caisse.slug.upper())
    _v(emetteur, "Adr2", caisse.name[:38])
    entete = ET.SubElement(root, "EnTetePES")
    _v(entete, "DteStr", now.date().isoformat())
    for tag in ("IdPost", "IdColl", "CodCol", "CodBud"):
        _v(entete, tag, accounting[tag])
    recette = ET.SubElement(root, "PES_RecetteAller")
    entete_recette = ET.SubElement(recette, "EnTeteRecette")
    _v(entete_recette, "IdVer", 2)
    _v(entete_recette, "InfoDematerialisee", 0)
    bordereau = ET.SubElement(recette, "Bordereau")
    bloc = ET.SubElement(bordereau, "BlocBordereau")
    total = sum((invoice.total - invoice.amount_credited for invoice in invoices), Decimal("0.00"))
    _v(bloc, "Exer", exer)
    _v(bloc, "IdBord", bordereau_id)
    _v(bloc, "DteBordEm", now.date().isoformat())
    _v(bloc, "TypBord", "06")
    _v(bloc, "NbrPce", len(invoices))
    _v(bloc, "MtBordHt", f"{total:.2f}")
    _v(bloc, "DteAsp", now.date().isoformat())
    _v(bloc, "Objet", subject[:160])
    for invoice in invoices:
        piece = ET.SubElement(bordereau, "Piece")
        bloc_piece = ET.SubElement(piece, "BlocPiece")
        _v(bloc_piece, "IdPce", invoice.number)
        _v(bloc_piece, "TypPce", 15)
        _v(bloc_piece, "NatPce", "01")
        _v(bloc_piece, "ObjPce", piece_subject(invoice)[:160])
        _v(bloc_piece, "NumDette", invoice.number)
        _v(bloc_piece, "Per", piece_month(invoice))
        _v(bloc_piece, "Cle1", key_modulo_11(accounting["CodCol"], exer, invoice.number))
        _v(bloc_piece, "Cle2", key_modulo_23(exer, accounting["CodCol"], invoice.number))
        _v(bloc_piece, "NumeroFacture", invoice.number)
        ligne = ET.SubElement(piece, "LigneDePiece")
        info = ET.SubElement(ligne, "InfoLignePiece")
        _v(info, "IdLigne", 1)
        _v(info, "CodProdLoc", accounting["CodProdLoc"])
        _v(info, "Nature", 588)
        _v(info, "MtHT", f"{invoice.total - invoice.amount_credited:.2f}")
        tiers = ET.SubElement(ligne, "Tiers")
        info_tiers = ET.SubElement(tiers, "InfoTiers")
        debtor = invoice_debtor(invoice)
        _v(info_tiers, "RefTiers", debtor.reference[:15])
        _v(info_tiers, "CatTiers", "01")
        _v(info_tiers, "NatJur", "01")
        _v(info_tiers, "Nom", (debtor.last_name or debtor.name)[:38])
        if debtor.first_name:
            _v(info_tiers, "Prenom", debtor.first_name[:38])
        adresse = ET.SubElement(tiers, "Adresse")
        _v(adresse, "TypAdr", 1)
        _v(adresse, "Adr2", (debtor.street or "-")[:38])
        _v(adresse, "CP", debtor.postcode or "00000")
        _v(adresse, "Ville", (debtor.city or "-")[:38])
        _v(adresse, "CodRes", 0)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
