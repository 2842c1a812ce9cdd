"""Exports of a period: invoices as CSV, receivables as a PES V2 ORMC flow (XML).

The invoices without a period (holiday stays, and their credit notes) are exported by issue date
instead: `stay_invoices(caisse=, first_day=, last_day=)`, the same CSV and `pes_ormc_stays`.

The PES V2 flow follows the official DGFiP schema set v5.11 (`PES_V2/Rev0/PES_Aller.xsd`, kept in
resources/pes_v2/); docs/formats-billing.md maps each field.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from refectoire.billing.debits import debit_plans
from refectoire.billing.enums import InvoiceKind
from refectoire.billing.models import Invoice, InvoiceLine
from refectoire.billing.selectors import debtor_reference, invoice_debtor
from refectoire.caisses.accounting import pes_missing_identifiers

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
PES_SCHEMA_VERSION = "5.11"


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
#
# One file (PES_Aller) per export: the invoices as one ORMC bordereau (TypBord 06, a titre ORMC,
# TypPce 15 / NatPce 01, per invoice), and the credit notes, if any, as a second bordereau of
# reductions (TypBord 02, titre correctif TypPce 02 / NatPce 06, attached to the invoice it reduces).

PES_EDITOR = "Réfectoire"  # Emetteur/Sigle: the editor of the software that writes the flow
PES_APPLICATION = "Réfectoire, restauration scolaire"  # Emetteur/Adresse: the application
ORMC_PERIOD = "1"  # Per: the invoice numbers are unique in a Caisse, the debt needs no complement
KEY_23_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXY"  # 23 letters, without I, O and Z


def _digits(*parts) -> str:
    return "".join(ch for part in parts for ch in str(part) if ch.isdigit())


def key_modulo_11(*parts) -> str:
    """Check key modulo 11 of the digits of `parts`: weights 2 to 7 from the right, repeated;
    the key is 11 minus the remainder, a key of 10 or 11 is written 0."""
    total = sum(int(d) * (2 + index % 6) for index, d in enumerate(reversed(_digits(*parts))))
    key = 11 - total % 11
    return "0" if key >= 10 else str(key)


def key_modulo_23(*parts) -> str:
    """Check key modulo 23 of the number the digits of `parts` make, as a letter: remainder 0 → A,
    1 → B… 22 → Y (23 letters, without I, O and Z)."""
    return KEY_23_LETTERS[int(_digits(*parts) or "0") % 23]


def ormc_keys(*, cod_col: str, nat_pce: str, exer: int, per: str, debt_number: int) -> tuple[str, str]:
    """Cle1 and Cle2 of an ORMC article, as the official schema defines them: Cle1 modulo 11 of
    CodCol + the piece's nature + the exercise's last 2 digits + the period + the debt number;
    Cle2 modulo 23 of the exercise's last 2 digits + the period + 00 + the debt number. The debt
    number counts 13 digits (zeros in front), as in the article reference of a rôle."""
    year, debt = f"{exer % 100:02d}", f"{debt_number:013d}"
    return key_modulo_11(cod_col, nat_pce, year, per, debt), key_modulo_23(year, per, "00", debt)


def _v(parent, tag, value):
    element = ET.SubElement(parent, tag)
    element.set("V", str(value))
    return element


def _postal(text: str, length: int = 38) -> str:
    """Postal norm: capitals without accents, one space between words, at most `length` characters."""
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    return " ".join(text.upper().split())[:length].strip()


def _text(text: str, length: int) -> str:
    return " ".join((text or "").split())[:length].strip()


def _money(amount: Decimal) -> str:
    return f"{amount:.2f}"


@dataclass(frozen=True)
class PesSelection:
    """What one PES file carries: its name, exercise, bordereau number and wording."""

    file_name: str
    exer: int
    bordereau_id: int
    subject: str
    piece_subject: object  # callable(invoice) -> str


def pes_refusal(caisse) -> str:
    """Why `caisse` cannot export PES yet (a French sentence), or ""."""
    missing = pes_missing_identifiers(caisse)
    if not missing:
        return ""
    return _(
        "Export PES impossible : renseignez d'abord dans le profil de la Caisse les identifiants "
        "comptables manquants (%(missing)s)."
    ) % {"missing": ", ".join(missing)}


def pes_ormc(*, caisse, period, now=None) -> bytes:
    """The period's invoices (household meals and adult meals) as a PES V2 ORMC flow, its credit
    notes as reductions. The bordereau number is the period's first month as AAAAMM."""
    return _pes_aller(
        caisse=caisse,
        invoices=issued_invoices(caisse=caisse, period=period),
        selection=PesSelection(
            file_name=f"PESORMC_{caisse.slug}_{period.code}",
            exer=period.start_date.year,
            bordereau_id=int(period.start_date.strftime("%Y%m")),
            subject=_("Restauration scolaire %(period)s") % {"period": period.label},
            piece_subject=lambda invoice: (
                _("Restauration %(period)s, facture %(number)s")
                % {"period": period.label, "number": invoice.number}
            ),
        ),
        now=now,
    )


def pes_ormc_stays(*, caisse, first_day, last_day, now=None) -> bytes:
    """The holiday-stay invoices issued from `first_day` to `last_day` as one PES V2 ORMC flow.

    Both days are in one exercise; the bordereau number is the first day as MMJJ (at most 4 digits:
    never one of the periods' AAAAMM).
    """
    if first_day.year != last_day.year:
        raise ValidationError(
            _("Un bordereau PES porte sur un seul exercice : choisissez deux dates de la même année.")
        )
    return _pes_aller(
        caisse=caisse,
        invoices=stay_invoices(caisse=caisse, first_day=first_day, last_day=last_day),
        selection=PesSelection(
            file_name=f"PESORMC_{caisse.slug}_sejours_{first_day.isoformat()}_{last_day.isoformat()}",
            exer=first_day.year,
            bordereau_id=int(first_day.strftime("%m%d")),
            subject=_("Séjours de vacances du %(first)s au %(last)s")
            % {"first": first_day.strftime("%d/%m/%Y"), "last": last_day.strftime("%d/%m/%Y")},
            piece_subject=lambda invoice: (
                _("Facture %(number)s %(label)s") % {"number": invoice.number, "label": invoice.label}
            ),
        ),
        now=now,
    )


def _exercise(invoice) -> int:
    """The exercise an invoice was titled in: its period's first year, or its issue year."""
    if invoice.period_id:
        return invoice.period.start_date.year
    return timezone.localtime(invoice.issued_at).year


def _debtor_problems(debtors) -> list[str]:
    problems = []
    for invoice, debtor in debtors:
        missing = [
            label
            for label, value in [
                (_("civilité"), debtor.civility),
                (_("prénom"), debtor.first_name),
                (_("adresse"), debtor.street),
                (_("code postal à 5 chiffres"), re.fullmatch(r"[0-9]{5}", debtor.postcode or "")),
                (_("commune"), debtor.city),
            ]
            if not value
        ]
        if missing:
            problems.append(
                _("facture %(number)s (%(name)s) : %(missing)s")
                % {"number": invoice.number, "name": debtor.name, "missing": ", ".join(missing)}
            )
    return problems


def _pes_aller(*, caisse, invoices, selection: PesSelection, now=None) -> bytes:
    refusal = pes_refusal(caisse)
    if refusal:
        raise ValidationError(refusal)
    invoices = list(
        invoices.select_related("period", "credited_invoice__period").prefetch_related("household__guardians")
    )
    titles = [invoice for invoice in invoices if invoice.kind == InvoiceKind.INVOICE and invoice.total > 0]
    reductions = [
        invoice for invoice in invoices if invoice.kind == InvoiceKind.CREDIT_NOTE and invoice.total > 0
    ]
    if not titles and not reductions:
        raise ValidationError(_("Export PES impossible : aucune facture ni aucun avoir émis à transmettre."))
    debtors = {invoice.pk: invoice_debtor(invoice) for invoice in titles + reductions}
    problems = _debtor_problems((invoice, debtors[invoice.pk]) for invoice in titles + reductions)
    if problems:
        raise ValidationError(
            _(
                "Export PES impossible : le comptable refuserait un débiteur incomplet. À compléter : %(list)s."
            )
            % {"list": " ; ".join(problems)}
        )
    today = timezone.localdate(now or timezone.now()).isoformat()
    # The invoices paid by direct debit through the public accountant (registry of billing/debits.py).
    debits = {pk: plan for pk, plan in debit_plans(titles).items() if plan.pes is not None}
    ET.register_namespace("n", PES_NAMESPACE)
    root = ET.Element(f"{{{PES_NAMESPACE}}}PES_Aller")
    enveloppe = ET.SubElement(root, "Enveloppe")
    parametres = ET.SubElement(enveloppe, "Parametres")
    _v(parametres, "Version", 2)
    _v(parametres, "TypFic", "PESORMC")
    _v(parametres, "NomFic", selection.file_name[:100])
    emetteur = ET.SubElement(enveloppe, "Emetteur")
    _v(emetteur, "Sigle", PES_EDITOR)
    _v(emetteur, "Adresse", PES_APPLICATION)
    entete = ET.SubElement(root, "EnTetePES")
    _v(entete, "DteStr", today)
    _v(entete, "IdPost", caisse.pes_id_post)
    if caisse.pes_post_label:
        _v(entete, "LibellePoste", _text(caisse.pes_post_label, 38))
    _v(entete, "IdColl", caisse.siret)
    _v(entete, "CodCol", caisse.pes_cod_col)
    _v(entete, "CodBud", caisse.pes_cod_bud)
    _v(entete, "LibelleColBud", _text(caisse.name, 38))
    recette = ET.SubElement(root, "PES_RecetteAller")
    entete_recette = ET.SubElement(recette, "EnTeteRecette")
    _v(entete_recette, "IdVer", 2)
    _v(entete_recette, "InfoDematerialisee", 0)
    for pieces, bordereau_type in ((titles, "06"), (reductions, "02")):
        if pieces:
            _bordereau(recette, caisse, selection, pieces, bordereau_type, debtors, today, debits)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _bordereau(recette, caisse, selection, pieces, bordereau_type, debtors, today, debits):
    bordereau = ET.SubElement(recette, "Bordereau")
    bloc = ET.SubElement(bordereau, "BlocBordereau")
    _v(bloc, "Exer", selection.exer)
    _v(bloc, "IdBord", selection.bordereau_id)
    _v(bloc, "DteBordEm", today)
    _v(bloc, "TypBord", bordereau_type)
    _v(bloc, "NbrPce", len(pieces))
    _v(bloc, "MtBordHt", _money(sum((invoice.total for invoice in pieces), Decimal("0.00"))))
    _v(bloc, "Objet", _text(selection.subject, 160))
    for invoice in pieces:
        piece = ET.SubElement(bordereau, "Piece")
        bloc_piece = ET.SubElement(piece, "BlocPiece")
        _v(bloc_piece, "IdPce", invoice.number)
        if invoice.kind == InvoiceKind.INVOICE:
            subject = selection.piece_subject(invoice)
            _v(bloc_piece, "TypPce", "15")
            _v(bloc_piece, "NatPce", "01")
            _v(bloc_piece, "ObjPce", _text(subject, 160))
            _v(bloc_piece, "NumDette", invoice.number)
            _v(bloc_piece, "Per", ORMC_PERIOD)
            cle1, cle2 = ormc_keys(
                cod_col=caisse.pes_cod_col,
                nat_pce="01",
                exer=selection.exer,
                per=ORMC_PERIOD,
                debt_number=invoice.number,
            )
            _v(bloc_piece, "Cle1", cle1)
            _v(bloc_piece, "Cle2", cle2)
        else:
            original = invoice.credited_invoice
            subject = _("Avoir %(number)s sur la facture %(original)s : %(reason)s") % {
                "number": invoice.number,
                "original": original.number,
                "reason": invoice.reason,
            }
            _v(bloc_piece, "TypPce", "02")
            _v(bloc_piece, "NatPce", "06")
            _v(bloc_piece, "ObjPce", _text(subject, 160))
        ligne = ET.SubElement(piece, "LigneDePiece")
        bloc_ligne = ET.SubElement(ligne, "BlocLignePiece")
        info = ET.SubElement(bloc_ligne, "InfoLignePiece")
        _v(info, "IdLigne", 1)
        _v(info, "ObjLignePce", _text(subject, 160))
        _v(info, "CodProdLoc", caisse.pes_product_code)
        _v(info, "Nature", caisse.pes_nature)
        if caisse.pes_function:
            _v(info, "Fonction", caisse.pes_function)
        _v(info, "Majo", 0)
        _v(info, "TvaIntraCom", 0)
        _v(info, "MtHT", _money(invoice.total))
        debit = debits.get(invoice.pk)
        if debit is not None:
            _prelevement_sepa(bloc_ligne, debit)
        if invoice.kind == InvoiceKind.CREDIT_NOTE:
            rattach = ET.SubElement(bloc_ligne, "RattachPiece")
            _v(rattach, "NatPceOrig", "01")
            _v(rattach, "ExerRat", _exercise(invoice.credited_invoice))
            _v(rattach, "IdPceOrig", invoice.credited_invoice.number)
            _v(rattach, "IdLigneOrig", 1)
        _tiers(ligne, debtors[invoice.pk], debit.pes if debit is not None else None)


# Characters of the PES « SEPA » texts (Base_Texte35SEPA, Base_Texte140SEPA).
_SEPA_TEXT = re.compile(r"[^a-zA-Z0-9/\-?().,:'+ ]")


def _sepa_text(text: str, length: int) -> str:
    return _SEPA_TEXT.sub(" ", _postal(text, length * 2))[:length].strip()


def _prelevement_sepa(bloc_ligne, plan):
    """The InfoPrelevementSEPA block: the public accountant debits this invoice (NatPrel 01)."""
    pes = plan.pes
    block = ET.SubElement(bloc_ligne, "InfoPrelevementSEPA")
    _v(block, "NatPrel", "01")  # file remitted to the banks by the Trésor
    _v(block, "PerPrel", "07")  # unique (one debit per invoice)
    _v(block, "DtePrel", plan.collection_date.isoformat())
    _v(block, "MtPrel", _money(plan.amount))
    _v(block, "SequencePres", pes.sequence)
    _v(block, "DateSignMandat", pes.mandate_signed_on.isoformat())
    _v(block, "RefUniMdt", pes.mandate_reference)
    if pes.label:
        _v(block, "LibPrel", _sepa_text(pes.label, 140))


def _tiers(ligne, debtor, account=None):
    tiers = ET.SubElement(ligne, "Tiers")
    info = ET.SubElement(tiers, "InfoTiers")
    reference = debtor.reference if len(debtor.reference) <= 30 else debtor.reference.replace("-", "")[:30]
    _v(info, "RefTiers", reference)
    _v(info, "CatTiers", "01")  # personne physique
    _v(info, "NatJur", "01")  # particulier
    _v(info, "TypTiers", "01")  # débiteur principal
    _v(info, "Civilite", {"m": "M", "mme": "MME"}[debtor.civility])
    _v(info, "Nom", _postal(debtor.last_name or debtor.name))
    _v(info, "Prenom", _postal(debtor.first_name))
    adresse = ET.SubElement(tiers, "Adresse")
    _v(adresse, "TypAdr", 1)  # principale
    _v(adresse, "Adr2", _postal(debtor.street))
    _v(adresse, "CP", debtor.postcode)
    _v(adresse, "Ville", _postal(debtor.city))
    _v(adresse, "CodRes", 0)  # résident en France
    if account is not None:  # the account the public accountant debits
        compte = ET.SubElement(tiers, "CpteBancaire")
        if account.bic:
            _v(compte, "BIC", account.bic.upper())
        _v(compte, "IBAN", account.iban.upper())
        _v(compte, "TitCpte", _postal(account.holder, 32))
