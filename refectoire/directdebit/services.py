"""Use cases of direct debit: the Caisse's settings, mandates (sign, revoke), the batch of an issued
period (generate once, frozen), rejects (by hand or from the bank's return file)."""

from __future__ import annotations

import hashlib
import re

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from refectoire.accounts.language import in_language_of
from refectoire.billing.enums import RunState
from refectoire.billing.models import BillingRun, Invoice, period_has_issued_invoices
from refectoire.core.lifecycle import AGENT, SYSTEM, transition
from refectoire.core.mail import mail_subject
from refectoire.core.money import format_euros
from refectoire.directdebit import pain008
from refectoire.directdebit.banking import account_hint, check_account, check_bic, check_creditor_id
from refectoire.directdebit.enums import DebitState, MandateState, PainVersion, RejectReason, Route
from refectoire.directdebit.models import (
    Debit,
    DebitBatch,
    DebitCancellation,
    Mandate,
    RefundToMake,
    SepaSettings,
)
from refectoire.directdebit.returns import parse_return_file
from refectoire.directdebit.selectors import (
    batch_candidates,
    consecutive_rejects,
    debit_plans_of,
    debits_stays,
    sepa_settings_for,
    stay_candidates,
)
from refectoire.documents.enums import DocumentKind
from refectoire.documents.services import document_store
from refectoire.households.models import Household
from refectoire.households.selectors import household_emails
from refectoire.messaging.notifications import notify_household
from refectoire.payments.services import (
    direct_debit_payment_record,
    household_balance,
    payment_cancel,
    surplus_allocate,
)
from refectoire.schools.models import BillingPeriod

SUSPEND_AFTER_REJECTS = 2


# Settings ---------------------------------------------------------------------------------


@transaction.atomic
def sepa_settings_save(
    *,
    caisse,
    creditor_name: str,
    creditor_id: str,
    iban: str,
    bic: str,
    debit_days_after_issue: int,
    prenotification_days: int = 14,
    route: str = Route.PAIN008,
    pain_version: str = PainVersion.V02,
    is_active: bool = True,
    debit_stays: bool = False,
) -> SepaSettings:
    """Save the Caisse's direct debit settings, every identifier checked first."""
    errors = {}
    creditor_name = " ".join((creditor_name or "").split())
    if not creditor_name:
        errors["creditor_name"] = _("Indiquez le nom du créancier, tel qu'il figure sur les mandats.")
    checked = {}
    for name, check in (
        ("creditor_id", lambda: check_creditor_id(creditor_id)),
        ("iban", lambda: check_account(iban=iban, bic=bic).iban),
        ("bic", lambda: check_bic(bic)),
    ):
        try:
            checked[name] = check()
        except ValidationError as error:
            errors.update(error.message_dict)
    if prenotification_days is None or prenotification_days < 2:
        errors["prenotification_days"] = _("Le délai de pré-notification est d'au moins 2 jours.")
    if debit_days_after_issue is None or debit_days_after_issue < 2:
        errors["debit_days_after_issue"] = _("Le prélèvement a lieu au moins 2 jours après l'émission.")
    if route not in Route.values:
        errors["route"] = _("Choisissez un circuit.")
    if pain_version not in PainVersion.values:
        errors["pain_version"] = _("Choisissez une version du fichier.")
    if debit_stays and route != Route.PAIN008:
        errors["debit_stays"] = _(
            "Les factures de séjour ne sont prélevées que par le circuit pain.008 : choisissez-le, ou "
            "ne prélevez pas les séjours."
        )
    if errors:
        raise ValidationError(errors)
    sepa, _created = SepaSettings.objects.update_or_create(
        caisse=caisse,
        defaults={
            "creditor_name": creditor_name,
            "creditor_id": checked["creditor_id"],
            "iban": checked["iban"],
            "bic": checked["bic"],
            "debit_days_after_issue": debit_days_after_issue,
            "prenotification_days": prenotification_days,
            "route": route,
            "pain_version": pain_version,
            "is_active": is_active,
            "debit_stays": bool(debit_stays),
        },
    )
    return sepa


# Mandates ---------------------------------------------------------------------------------


def _reference(caisse, household) -> str:
    """The RUM: Caisse, household, rank of the mandate (unique, SEPA characters, ≤ 35)."""
    slug = re.sub(r"[^A-Z0-9]", "", caisse.slug.upper())[:10]
    rank = Mandate.objects.filter(household=household).count() + 1
    return f"RUM-{slug}-{household.pk:07d}-{rank:02d}"


def _mandate_pdf(mandate: Mandate, sepa: SepaSettings) -> bytes:
    from weasyprint import HTML  # reason: loads native libraries (pango) for PDFs only, not every process

    html = render_to_string(
        "directdebit/mandate_pdf.html", {"mandate": mandate, "sepa": sepa, "caisse": mandate.caisse}
    )
    return HTML(string=html).write_pdf()


def _email_mandate(mandate: Mandate, pdf: bytes) -> None:
    recipients = household_emails(mandate.household)
    if not recipients:
        return
    caisse = mandate.caisse
    with in_language_of(recipients):
        message = EmailMessage(
            subject=mail_subject(caisse.name, _("Votre mandat de prélèvement SEPA")),
            body=_(
                "Bonjour,\n\nVous avez signé le mandat de prélèvement SEPA %(reference)s : vos factures seront "
                "prélevées sur le compte %(account)s. Le mandat est joint à ce courriel et reste dans « Mes "
                "documents » de votre espace famille.\n\nCe courriel est envoyé automatiquement, merci de ne pas "
                "y répondre.\n%(caisse)s"
            )
            % {"reference": mandate.reference, "account": mandate.account_hint, "caisse": caisse.name},
            to=recipients,
        )
    message.attach(f"mandat-{mandate.reference}.pdf", pdf, "application/pdf")
    transaction.on_commit(lambda: message.send(fail_silently=False))


@transaction.atomic
def mandate_sign(
    *,
    household,
    user,
    holder_name: str,
    iban: str,
    bic: str = "",
    accepted: bool,
    password: str,
    previously_debited: bool = False,
    now=None,
) -> Mandate:
    """A guardian of `household` signs a mandate: ticking the mandate's text and confirming with
    their password. The household's mandate in force, if any, is revoked (change of account).
    `previously_debited`: the mandate renews one the Caisse's former software already debited
    (taking over existing mandates), so its first debit here is RCUR."""
    now = now or timezone.now()
    caisse = household.caisse
    sepa = sepa_settings_for(caisse)
    if sepa is None:
        raise ValidationError(_("La Caisse ne propose pas le prélèvement automatique."))
    guardian = household.guardians.filter(user=user).first() if user is not None else None
    if guardian is None:
        raise ValidationError(_("Seul un représentant du foyer peut signer le mandat."))
    errors = {}
    holder_name = " ".join((holder_name or "").split())
    if not holder_name:
        errors["holder_name"] = _("Indiquez le nom du titulaire du compte.")
    elif len(holder_name) > 70:
        errors["holder_name"] = _("Le nom du titulaire a au plus 70 caractères.")
    account = None
    try:
        account = check_account(iban=iban, bic=bic)
    except ValidationError as error:
        errors.update(error.message_dict)
    if not accepted:
        errors["accepted"] = _("Cochez la case pour signer le mandat.")
    if not password or not user.check_password(password):
        errors["password"] = _("Mot de passe incorrect : saisissez celui de votre compte pour signer.")
    if errors:
        raise ValidationError(errors)
    Household.objects.select_for_update().filter(pk=household.pk).first()
    for previous in Mandate.objects.select_for_update().live().filter(household=household):
        transition(
            previous,
            MandateState.REVOKED,
            actor=user,
            by=SYSTEM,
            action="replaced",
            message=_("Remplacé par un nouveau mandat (changement de compte)."),
            ended_at=now,
            ended_by=user,
            end_reason=_("changement de compte"),
        )
    mandate = Mandate.objects.create(
        caisse=caisse,
        household=household,
        reference=_reference(caisse, household),
        holder_name=holder_name,
        iban=account.iban,
        account_hint=account_hint(account.iban),
        bic=account.bic,
        bank_name=account.bank_name[:100],
        signed_at=now,
        signed_by=user,
        signer_name=guardian.full_name[:150],
        previously_debited=previously_debited,
    )
    mandate.events.create(
        actor=user,
        to_state=MandateState.ACTIVE,
        action="signed",
        message=_("Signé en ligne par %(name)s") % {"name": mandate.signer_name},
    )
    pdf = _mandate_pdf(mandate, sepa)
    document = document_store(
        caisse=caisse,
        household=household,
        uploaded_file=SimpleUploadedFile(f"mandat-{mandate.reference}.pdf", pdf, "application/pdf"),
        kind=DocumentKind.SEPA_MANDATE,
        uploaded_by=user,
    )
    mandate.document = document
    mandate.save(update_fields=["document", "updated_at"])
    _email_mandate(mandate, pdf)
    return mandate


@transaction.atomic
def mandate_revoke(*, mandate: Mandate, actor, by, reason: str = "", now=None) -> Mandate:
    """End a mandate (the parent, or an agent): debits already sent stay; nothing more is debited."""
    now = now or timezone.now()
    mandate = Mandate.objects.select_for_update().get(pk=mandate.pk)
    reason = (reason or "").strip()[:200]
    if by == AGENT and not reason:
        raise ValidationError({"reason": _("Indiquez le motif de la révocation.")})
    return transition(
        mandate,
        MandateState.REVOKED,
        actor=actor,
        by=by,
        action="revoked",
        message=reason or _("Révoqué par la famille."),
        ended_at=now,
        ended_by=actor,
        end_reason=reason or _("révoqué par la famille"),
    )


@transaction.atomic
def mandate_reactivate(*, mandate: Mandate, actor) -> Mandate:
    """An agent lifts the suspension of a mandate (after two rejects, the family gave a solution)."""
    mandate = Mandate.objects.select_for_update().get(pk=mandate.pk)
    return transition(
        mandate,
        MandateState.ACTIVE,
        actor=actor,
        by=AGENT,
        action="reactivated",
        message=_("Suspension levée."),
    )


# Batches ----------------------------------------------------------------------------------


def _period_issued(period) -> bool:
    """Issued by its run, or holding issued invoices while no run is issuing it."""
    if BillingPeriod.objects.issued().filter(pk=period.pk).exists():
        return True
    issuing = BillingRun.objects.filter(period_id=period.pk, state=RunState.ISSUING).exists()
    return period_has_issued_invoices(period) and not issuing


def batch_refusal(*, caisse, period) -> str:
    """Why the batch of `period` cannot be generated (a French sentence), or ""."""
    sepa = sepa_settings_for(caisse)
    if sepa is None or not sepa.creditor_id:
        return _(
            "La Caisse n'a pas d'identifiant créancier SEPA (ICS) : renseignez ses réglages de prélèvement."
        )
    if not _period_issued(period):
        return _("Les factures de la période %(period)s ne sont pas émises.") % {"period": period.label}
    return ""


def _message_id(caisse, period) -> str:
    slug = re.sub(r"[^A-Z0-9]", "", caisse.slug.upper())[:12]
    return f"{slug}-{period.start_date:%Y%m}-{period.pk}"[:35]


def _address(guardian) -> dict:
    if guardian is None or not guardian.city:
        return {}
    address = {"country": "FR"}
    if guardian.street_name:
        address["street_name"] = guardian.street_name[:70]
    if guardian.street_number:
        address["building_number"] = guardian.street_number[:16]
    if guardian.postcode:
        address["postcode"] = guardian.postcode[:16]
    address["town"] = guardian.city[:35]
    return address


def batch_lines(batch: DebitBatch) -> list[pain008.DebitLine]:
    debits = batch.debits.select_related("mandate", "invoice__household").prefetch_related(
        "invoice__household__guardians"
    )
    lines = []
    for debit in debits.order_by("pk"):
        household = debit.invoice.household
        lines.append(
            pain008.DebitLine(
                end_to_end_id=debit.end_to_end_id,
                amount=debit.amount,
                sequence_type=debit.sequence_type,
                collection_date=debit.collection_date,
                mandate_reference=debit.mandate.reference,
                mandate_signed_on=timezone.localdate(debit.mandate.signed_at),
                debtor_name=debit.mandate.holder_name,
                iban=debit.mandate.iban,
                bic=debit.mandate.bic,
                description=f"{batch.caisse.name} facture {debit.invoice.number}",
                address=_address(household.primary_guardian),
            )
        )
    return lines


def batch_file(batch: DebitBatch, *, version: str | None = None) -> bytes:
    """The batch's pain.008: the frozen bytes in its version; another version is rebuilt from the
    frozen debits (deterministic, validated against the official XSD)."""
    version = version or batch.pain_version or PainVersion.V02
    if version == batch.pain_version and batch.content:
        return bytes(batch.content)
    sepa = SepaSettings.objects.get(caisse=batch.caisse)
    return pain008.build(
        creditor=pain008.Creditor(
            name=sepa.creditor_name, creditor_id=sepa.creditor_id, iban=sepa.iban, bic=sepa.bic
        ),
        lines=batch_lines(batch),
        version=version,
        message_id=batch.message_id,
        created_at=timezone.localtime(batch.generated_at).replace(tzinfo=None, microsecond=0),
    )


def _batch_write(
    *, caisse, sepa, period, candidates, message_id, version, end_to_end, actor, now
) -> DebitBatch:
    """Write a batch of `candidates`: each debit, its payment (it settles its invoice) and, on the
    pain.008 route, the file built and validated against the official XSD (frozen)."""
    batch = DebitBatch.objects.create(
        caisse=caisse,
        period=period,
        route=sepa.route,
        pain_version=version if sepa.route == Route.PAIN008 else "",
        message_id=message_id,
        collection_date=min((c.collection_date for c in candidates), default=timezone.localdate(now)),
        total=sum((c.amount for c in candidates), 0),
        count=len(candidates),
        generated_at=now.replace(microsecond=0),
        generated_by=actor,
    )
    for candidate in candidates:
        invoice = candidate.invoice
        payment = direct_debit_payment_record(
            caisse=caisse,
            household=invoice.household,
            invoice=invoice,
            amount=candidate.amount,
            paid_on=candidate.collection_date,
            reference=_("Prélèvement %(reference)s") % {"reference": candidate.mandate.reference},
            actor=actor,
        )
        debit = Debit.objects.create(
            caisse=caisse,
            batch=batch,
            invoice=invoice,
            mandate=candidate.mandate,
            payment=payment,
            amount=candidate.amount,
            sequence_type=candidate.sequence_type,
            collection_date=candidate.collection_date,
            end_to_end_id=end_to_end(invoice),
        )
        debit.events.create(actor=actor, to_state=DebitState.SENT, action="sent", message=batch.message_id)
    if sepa.route == Route.PAIN008 and candidates:
        content = batch_file(batch, version=version)
        batch.content = content
        batch.sha256 = hashlib.sha256(content).hexdigest()
        batch.save(update_fields=["content", "sha256", "updated_at"])
    return batch


@transaction.atomic
def batch_generate(*, caisse, period, actor=None, version: str | None = None, now=None) -> DebitBatch:
    """Generate the debit batch of an issued period, once: every debit is written (FRST/RCUR), its
    payment settles its invoice, and (route pain.008) the file is built and validated against the
    official XSD. A batch already generated is returned as it is (frozen)."""
    now = now or timezone.now()
    refusal = batch_refusal(caisse=caisse, period=period)
    if refusal:
        raise ValidationError(refusal)
    sepa = SepaSettings.objects.select_for_update().get(caisse=caisse)
    existing = DebitBatch.objects.filter(caisse=caisse, period=period).first()
    if existing is not None:
        return existing
    version = version or sepa.pain_version
    if version not in PainVersion.values:
        raise ValidationError(_("Version de fichier inconnue : %(version)s") % {"version": version})
    # Lock the invoices the batch may take: a card payment waits, then finds them debited.
    Invoice.objects.select_for_update().filter(caisse=caisse, period=period).unpaid().values_list("pk")
    candidates = batch_candidates(caisse=caisse, period=period, sepa=sepa)
    slug = re.sub(r"[^A-Za-z0-9]", "", caisse.slug)[:12]
    return _batch_write(
        caisse=caisse,
        sepa=sepa,
        period=period,
        candidates=candidates,
        message_id=_message_id(caisse, period),
        version=version,
        end_to_end=lambda invoice: f"{slug}-{invoice.number}-{period.pk}"[:35],
        actor=actor,
        now=now,
    )


def stays_batch_refusal(*, caisse) -> str:
    """Why no batch of stays can be generated (a French sentence), or ""."""
    sepa = sepa_settings_for(caisse)
    if sepa is None or not sepa.creditor_id:
        return _(
            "La Caisse n'a pas d'identifiant créancier SEPA (ICS) : renseignez ses réglages de prélèvement."
        )
    if not debits_stays(sepa):
        return _(
            "La Caisse ne prélève pas les factures de séjour : cochez « prélever les factures de séjour » "
            "dans les réglages (circuit pain.008)."
        )
    return ""


@transaction.atomic
def stays_batch_generate(*, caisse, actor=None, version: str | None = None, now=None) -> DebitBatch:
    """Generate a batch of the stay invoices to debit (OOFF, once each), frozen like a period's. The
    next one takes the stay invoices issued since. Refused when there is nothing to debit."""
    now = now or timezone.now()
    refusal = stays_batch_refusal(caisse=caisse)
    if refusal:
        raise ValidationError(refusal)
    sepa = SepaSettings.objects.select_for_update().get(caisse=caisse)
    version = version or sepa.pain_version
    if version not in PainVersion.values:
        raise ValidationError(_("Version de fichier inconnue : %(version)s") % {"version": version})
    Invoice.objects.select_for_update().filter(caisse=caisse, period__isnull=True).unpaid().values_list("pk")
    candidates = stay_candidates(caisse=caisse, sepa=sepa)
    if not candidates:
        raise ValidationError(_("Aucune facture de séjour à prélever."))
    rank = DebitBatch.objects.filter(caisse=caisse, period__isnull=True).count() + 1
    slug = re.sub(r"[^A-Za-z0-9]", "", caisse.slug)[:12]
    return _batch_write(
        caisse=caisse,
        sepa=sepa,
        period=None,
        candidates=candidates,
        message_id=f"{slug.upper()}-SEJ-{timezone.localdate(now):%Y%m%d}-{rank}"[:35],
        version=version,
        end_to_end=lambda invoice: f"{slug}-{invoice.number}-OOFF"[:35],
        actor=actor,
        now=now,
    )


# Cancellation before the batch -----------------------------------------------------------


@transaction.atomic
def debit_cancel(*, invoice, actor, reason: str) -> DebitCancellation:
    """An agent cancels the planned debit of an invoice, with a reason, before its batch is generated
    (a generated batch is frozen: then only a reject undoes a debit). The invoice stays « non
    réglée », PayFIP opens for it, no batch will take it; the family is told."""
    reason = " ".join((reason or "").split())[:200]
    if not reason:
        raise ValidationError({"reason": _("Indiquez le motif de l'annulation du prélèvement.")})
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if Debit.objects.filter(invoice=invoice, state=DebitState.SENT).exists():
        raise ValidationError(
            _(
                "Le prélèvement de cette facture est dans un lot déjà généré, qui ne change plus : "
                "enregistrez un rejet si la banque le rend."
            )
        )
    if DebitCancellation.objects.filter(invoice=invoice).exists():
        raise ValidationError(_("Le prélèvement de cette facture est déjà annulé."))
    plan = debit_plans_of([invoice]).get(invoice.pk)
    if plan is None:
        raise ValidationError(_("Cette facture n'est pas à prélever."))
    cancellation = DebitCancellation.objects.create(
        caisse=invoice.caisse, invoice=invoice, reason=reason, cancelled_by=actor
    )
    household = invoice.household
    params = {
        "amount": format_euros(plan.amount),
        "day": plan.collection_date.strftime("%d/%m/%Y"),
        "number": invoice.number,
        "reason": reason,
    }
    # Lazy: written in the family's language by notify_household.
    notify_household(
        household=household,
        subject=gettext_lazy("Prélèvement annulé"),
        intro=lazy(
            lambda: (
                _(
                    "Le prélèvement de %(amount)s prévu le %(day)s pour la facture %(number)s n'aura pas lieu "
                    "(motif : %(reason)s). La facture est à régler : vous pouvez la payer en ligne."
                )
                % params
            ),
            str,
        )(),
        url=household.caisse.absolute_url("portal:invoice_list"),
    )
    return cancellation


# Rejects ----------------------------------------------------------------------------------


def reason_label(code: str) -> str:
    try:
        return str(RejectReason(code).label)
    except ValueError:
        return _("motif %(code)s") % {"code": code}


@transaction.atomic
def debit_reject(*, debit: Debit, reason_code: str, actor=None, by=AGENT, now=None) -> str:
    """Record the reject of a sent debit; returns what it did: `rejected`, `already_rejected` or
    `refund_to_make`.

    Its payment is cancelled: the invoice is « non réglée » again and PayFIP opens for it; the family
    is told why. Two rejects in a row suspend the mandate (the family is told). When the invoice
    was paid otherwise meanwhile and the household is left overpaid, a refund to make is recorded.
    """
    now = now or timezone.now()
    if reason_code not in RejectReason.values:
        raise ValidationError({"reason_code": _("Motif de rejet inconnu : %(code)s") % {"code": reason_code}})
    # Lock order: the invoice first (as a card payment does), then the debit.
    invoice = Invoice.objects.select_for_update().get(pk=debit.invoice_id)
    debit = Debit.objects.select_for_update().select_related("mandate", "caisse").get(pk=debit.pk)
    if debit.state == DebitState.REJECTED:
        return "already_rejected"
    label = reason_label(reason_code)
    transition(
        debit,
        DebitState.REJECTED,
        actor=actor,
        by=by,
        action="rejected",
        message=f"{reason_code} {label}",
        reject_reason=reason_code,
        rejected_at=now,
    )
    if debit.payment_id is not None:
        payment_cancel(
            payment=debit.payment,
            reason=_("Prélèvement rejeté (%(code)s : %(label)s)") % {"code": reason_code, "label": label},
            actor=actor,
        )
    invoice.refresh_from_db()
    household = invoice.household
    result = "rejected"
    # Paid otherwise meanwhile (money of the family left unallocated): it settles the invoice.
    paid_otherwise = surplus_allocate(household=household, invoice=invoice)
    if invoice.amount_due > 0:
        notify_household(
            household=household,
            subject=gettext_lazy("Prélèvement rejeté"),
            # Lazy: written (reason included) in the family's language by notify_household.
            intro=lazy(
                lambda: (
                    _(
                        "Le prélèvement de %(amount)s de la facture %(number)s a été rejeté par votre banque "
                        "(motif : %(label)s). La facture est à nouveau à payer : vous pouvez la régler en ligne."
                    )
                    % {
                        "amount": format_euros(debit.amount),
                        "number": invoice.number,
                        "label": reason_label(reason_code),
                    }
                ),
                str,
            )(),
            url=household.caisse.absolute_url("portal:invoice_list"),
        )
    if paid_otherwise > 0:
        overpaid = household_balance(household=household)["overpaid"]
        if overpaid > 0:
            RefundToMake.objects.create(
                caisse=debit.caisse, household=household, debit=debit, amount=min(overpaid, debit.amount)
            )
            result = "refund_to_make"
    mandate = Mandate.objects.select_for_update().get(pk=debit.mandate_id)
    if mandate.state == MandateState.ACTIVE and consecutive_rejects(mandate) >= SUSPEND_AFTER_REJECTS:
        transition(
            mandate,
            MandateState.SUSPENDED,
            actor=actor,
            by=SYSTEM,
            action="suspended",
            message=_("Deux prélèvements rejetés de suite."),
        )
        notify_household(
            household=household,
            subject=gettext_lazy("Prélèvement automatique suspendu"),
            intro=gettext_lazy(
                "Deux prélèvements de suite ont été rejetés par votre banque : le prélèvement automatique "
                "est suspendu. Vos factures sont à payer en ligne ; contactez la Caisse pour le reprendre."
            ),
            url=household.caisse.absolute_url("portal:directdebit"),
        )
    return result


def _debit_by_mandate(caisse, row):
    """The debit a camt.054 names by its mandate and amount only: the one sent (else the one already
    rejected, for an idempotent re-import); None when none or several fit."""
    debits = list(
        Debit.objects.filter(caisse=caisse, mandate__reference=row.mandate_id, amount=row.amount)
        .select_related("invoice")
        .order_by("-collection_date", "-pk")
    )
    sent = [debit for debit in debits if debit.state == DebitState.SENT]
    if len(sent) == 1:
        return sent[0]
    if not sent and len(debits) == 1:
        return debits[0]
    return None


@transaction.atomic
def returns_import(*, caisse, content: bytes, actor=None) -> list[tuple[int, str, str]]:
    """Import the bank's return file (pain.002 or camt.054.001.02), all or nothing: one (invoice
    number, reason code, result) per debit it names. An unknown debit refuses the whole file."""
    rows = parse_return_file(content)
    by_end_to_end = {
        debit.end_to_end_id: debit
        for debit in Debit.objects.filter(
            caisse=caisse, end_to_end_id__in=[row.end_to_end_id for row in rows if row.end_to_end_id]
        ).select_related("invoice")
    }
    found = []
    unknown = []
    for row in rows:
        debit = by_end_to_end.get(row.end_to_end_id) if row.end_to_end_id else _debit_by_mandate(caisse, row)
        if debit is None:
            unknown.append(row.reference)
        found.append((row, debit))
    if unknown:
        raise ValidationError(
            _("Fichier refusé : prélèvements inconnus de la Caisse : %(list)s.")
            % {"list": ", ".join(unknown[:10])}
        )
    for row, _debit in found:
        code = row.reason_code or "MS03"
        if row.status == "RJCT" and code not in RejectReason.values:
            raise ValidationError(
                _("Fichier refusé : motif de rejet inconnu %(code)s (%(reference)s).")
                % {"code": code, "reference": row.reference}
            )
    results = []
    for row, debit in found:
        if row.status != "RJCT":
            results.append((debit.invoice.number, "", "accepted"))
            continue
        code = row.reason_code or "MS03"
        results.append(
            (debit.invoice.number, code, debit_reject(debit=debit, reason_code=code, actor=actor, by=SYSTEM))
        )
    return results


def refund_done(*, refund: RefundToMake, actor=None) -> RefundToMake:
    with transaction.atomic():
        refund = RefundToMake.objects.select_for_update().get(pk=refund.pk)
        if refund.done_at is None:
            refund.done_at = timezone.now()
            refund.save(update_fields=["done_at", "updated_at"])
    return refund
