from django.db import models
from django.utils.translation import gettext_lazy as _

from refectoire.core.roles import AGENT, SYSTEM


class RunState(models.TextChoices):
    COMPUTING = "computing", _("calcul en cours")
    DRAFT = "draft", _("brouillon")
    ISSUING = "issuing", _("émission en cours")
    ISSUED = "issued", _("émise")
    FAILED = "failed", _("échec du calcul")


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", _("facture")
    CREDIT_NOTE = "credit_note", _("avoir")


class InvoiceState(models.TextChoices):
    DRAFT = "draft", _("brouillon")
    ISSUED = "issued", _("émise")
    CANCELLED = "cancelled", _("annulée")


class InvoiceAction(models.TextChoices):
    """What an invoice's history row records (payments write theirs from refectoire.payments)."""

    ISSUED = "issued", _("Facture émise")
    CREDIT_NOTE_ISSUED = "credit_note_issued", _("Avoir émis")
    CREDITED = "credited", _("Avoir appliqué")
    CANCELLED = "cancelled", _("Facture annulée")
    REMINDED = "reminded", _("Relance envoyée")
    PAYMENT = "payment", _("Paiement enregistré")
    PAYMENT_CANCELLED = "payment_cancelled", _("Paiement annulé")


class LineKind(models.TextChoices):
    MEALS = "meals", _("repas")
    CREDIT = "credit", _("avoir")
    STAY = "stay", _("séjour de vacances")
    ADULT_MEALS = "adult_meals", _("repas adulte")


class PayableState(models.TextChoices):
    """What a parent reads next to an invoice."""

    DRAFT = "draft", _("en préparation")
    TO_PAY = "to_pay", _("à payer")
    PAID = "paid", _("payée")
    LATE = "late", _("en retard")
    CANCELLED = "cancelled", _("annulée")
    IN_PROGRESS = "in_progress", _("paiement en cours")


# What a parent (or an adult) reads on the portal's invoice screens: the guides' words (« Facture
# non réglée »); the back office keeps PayableState's labels.
PORTAL_STATE_LABELS = {
    PayableState.DRAFT: _("en préparation"),
    PayableState.TO_PAY: _("Facture non réglée"),
    PayableState.PAID: _("Facture réglée"),
    PayableState.LATE: _("Facture non réglée — échéance dépassée"),
    PayableState.CANCELLED: _("Facture annulée"),
    PayableState.IN_PROGRESS: _("paiement en cours"),
}


# The invoice's lifecycle (from -> {to: who}): issued by a run an agent starts (or by the system for
# a stay's place); cancelled by a credit note for its whole amount.
INVOICE_LIFECYCLE = {
    InvoiceState.DRAFT: {InvoiceState.ISSUED: {AGENT, SYSTEM}},
    InvoiceState.ISSUED: {InvoiceState.CANCELLED: {AGENT, SYSTEM}},
    InvoiceState.CANCELLED: {},
}
