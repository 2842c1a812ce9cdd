import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from refectoire.caisses.querysets import CaisseQuerySet
from refectoire.core.lifecycle import Lifecycle, TransitionEvent, register
from refectoire.core.models import TimeStampedModel
from refectoire.directdebit.enums import (
    DEBIT_LIFECYCLE,
    MANDATE_LIFECYCLE,
    DebitState,
    MandateState,
    PainVersion,
    RejectReason,
    Route,
    SequenceType,
)
from refectoire.directdebit.fields import EncryptedIbanField


class SepaSettings(TimeStampedModel):
    """A Caisse's direct debit: who collects (creditor, ICS, account), when, and by which route."""

    caisse = models.OneToOneField("caisses.Caisse", on_delete=models.CASCADE, related_name="sepa_settings")
    is_active = models.BooleanField(_("prélèvement automatique proposé aux familles"), default=True)
    creditor_name = models.CharField(_("nom du créancier"), max_length=70)
    creditor_id = models.CharField(_("identifiant créancier SEPA (ICS)"), max_length=35)
    iban = models.CharField(_("IBAN du compte crédité"), max_length=34)
    bic = models.CharField(_("BIC du compte crédité"), max_length=11)
    debit_days_after_issue = models.PositiveSmallIntegerField(
        _("jours entre l'émission et le prélèvement"), default=20
    )
    prenotification_days = models.PositiveSmallIntegerField(
        _("délai de pré-notification (jours)"), default=14
    )
    route = models.CharField(_("circuit"), max_length=10, choices=Route.choices, default=Route.PAIN008)
    pain_version = models.CharField(
        _("version du fichier pain.008"), max_length=20, choices=PainVersion.choices, default=PainVersion.V02
    )
    # Stay invoices of a household with an active mandate are debited once each (OOFF), in a
    # batch of stays of their own (route pain.008 only).
    debit_stays = models.BooleanField(
        _("prélever les factures de séjour (prélèvement ponctuel OOFF)"), default=False
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("réglages du prélèvement SEPA")
        verbose_name_plural = _("réglages du prélèvement SEPA")

    def __str__(self):
        return f"SEPA {self.creditor_id} ({self.caisse_id})"


class MandateQuerySet(CaisseQuerySet):
    def live(self):
        """Active or suspended: the household's one mandate."""
        return self.filter(state__in=[MandateState.ACTIVE, MandateState.SUSPENDED])


class Mandate(TimeStampedModel):
    """A SEPA core mandate a guardian signed online for their household (one live per household).

    The IBAN is encrypted at rest; `account_hint` keeps what may be shown (« FR76 •••• •••• 1234 »).
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    caisse = models.ForeignKey("caisses.Caisse", on_delete=models.PROTECT, related_name="sepa_mandates")
    household = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, related_name="sepa_mandates"
    )
    reference = models.CharField(_("référence unique du mandat (RUM)"), max_length=35, unique=True)
    holder_name = models.CharField(_("titulaire du compte"), max_length=70)
    iban = EncryptedIbanField(_("IBAN"), max_length=34)
    account_hint = models.CharField(_("compte"), max_length=40)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    bank_name = models.CharField(_("banque"), max_length=100, blank=True)
    state = models.CharField(
        _("état"), max_length=20, choices=MandateState.choices, default=MandateState.ACTIVE
    )
    signed_at = models.DateTimeField(_("signé le"))
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    signer_name = models.CharField(_("signataire"), max_length=150)
    ended_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    end_reason = models.CharField(_("motif"), max_length=200, blank=True)
    document = models.ForeignKey(
        "documents.Document", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A mandate taken over from the Caisse's former software, already debited there: RCUR at once.
    previously_debited = models.BooleanField(_("déjà prélevé avant Réfectoire"), default=False)

    history = HistoricalRecords()
    objects = MandateQuerySet.as_manager()

    class Meta:
        ordering = ["-signed_at", "-pk"]
        verbose_name = _("mandat de prélèvement")
        verbose_name_plural = _("mandats de prélèvement")
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(state__in=["active", "suspended"]),
                name="mandate_one_live_per_household",
                violation_error_message=_("Ce foyer a déjà un mandat de prélèvement en cours."),
            ),
        ]

    def __str__(self):
        return self.reference


class MandateEvent(TransitionEvent):
    mandate = models.ForeignKey(Mandate, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=30)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.action


class DebitBatch(TimeStampedModel):
    """The debits of one issued period, frozen when the file is generated (same bytes ever after).

    Without a period: a batch of stay invoices (OOFF), one per generation, each frozen the same way.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    caisse = models.ForeignKey("caisses.Caisse", on_delete=models.PROTECT, related_name="sepa_batches")
    period = models.ForeignKey(
        "schools.BillingPeriod", on_delete=models.PROTECT, related_name="sepa_batches", null=True, blank=True
    )
    route = models.CharField(_("circuit"), max_length=10, choices=Route.choices)
    pain_version = models.CharField(_("format"), max_length=20, choices=PainVersion.choices, blank=True)
    message_id = models.CharField(_("identifiant du message"), max_length=35, unique=True)
    collection_date = models.DateField(_("date de prélèvement"))
    total = models.DecimalField(_("montant"), max_digits=12, decimal_places=2)
    count = models.PositiveIntegerField(_("nombre de prélèvements"))
    content = models.BinaryField(_("fichier"), blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    generated_at = models.DateTimeField(_("généré le"))
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-generated_at"]
        constraints = [
            models.UniqueConstraint(fields=["caisse", "period"], name="sepa_batch_one_per_period"),
        ]

    def __str__(self):
        return self.message_id

    @property
    def is_stays(self) -> bool:
        return self.period_id is None


class DebitQuerySet(CaisseQuerySet):
    def sent(self):
        return self.filter(state=DebitState.SENT)


class Debit(TimeStampedModel):
    """One invoice debited on one mandate in a batch; its payment settles the invoice."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    caisse = models.ForeignKey("caisses.Caisse", on_delete=models.PROTECT, related_name="sepa_debits")
    batch = models.ForeignKey(DebitBatch, on_delete=models.PROTECT, related_name="debits")
    invoice = models.ForeignKey("billing.Invoice", on_delete=models.PROTECT, related_name="sepa_debits")
    mandate = models.ForeignKey(Mandate, on_delete=models.PROTECT, related_name="debits")
    payment = models.OneToOneField(
        "payments.Payment", on_delete=models.PROTECT, null=True, blank=True, related_name="sepa_debit"
    )
    amount = models.DecimalField(_("montant"), max_digits=10, decimal_places=2)
    sequence_type = models.CharField(_("séquence"), max_length=4, choices=SequenceType.choices)
    collection_date = models.DateField(_("date de prélèvement"))
    end_to_end_id = models.CharField(_("référence de bout en bout"), max_length=35)
    state = models.CharField(_("état"), max_length=20, choices=DebitState.choices, default=DebitState.SENT)
    reject_reason = models.CharField(
        _("motif du rejet"), max_length=4, choices=RejectReason.choices, blank=True
    )
    rejected_at = models.DateTimeField(_("rejeté le"), null=True, blank=True)

    history = HistoricalRecords()
    objects = DebitQuerySet.as_manager()

    class Meta:
        ordering = ["batch", "pk"]
        verbose_name = _("prélèvement")
        verbose_name_plural = _("prélèvements")
        constraints = [
            models.UniqueConstraint(fields=["caisse", "end_to_end_id"], name="sepa_debit_end_to_end_unique"),
            models.UniqueConstraint(
                fields=["invoice"], condition=Q(state="sent"), name="sepa_debit_one_live_per_invoice"
            ),
        ]

    def __str__(self):
        return self.end_to_end_id


class DebitEvent(TransitionEvent):
    debit = models.ForeignKey(Debit, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=30)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.action


class DebitCancellation(TimeStampedModel):
    """An agent cancelled the debit of an invoice before its batch was generated (a generated batch
    is frozen): the invoice stays « non réglée », PayFIP opens for it, no batch takes it."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    caisse = models.ForeignKey("caisses.Caisse", on_delete=models.PROTECT, related_name="+")
    invoice = models.OneToOneField(
        "billing.Invoice", on_delete=models.PROTECT, related_name="sepa_cancellation"
    )
    reason = models.CharField(_("motif"), max_length=200)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("prélèvement annulé")
        verbose_name_plural = _("prélèvements annulés")

    def __str__(self):
        return f"{self.invoice_id}: {self.reason}"


class RefundToMake(TimeStampedModel):
    """Money to pay back to a household: a debit rejected after its invoice was paid otherwise
    left the household overpaid. Shown to the agents until one records the refund."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    caisse = models.ForeignKey("caisses.Caisse", on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey("households.Household", on_delete=models.PROTECT, related_name="+")
    debit = models.OneToOneField(Debit, on_delete=models.PROTECT, related_name="refund_to_make")
    amount = models.DecimalField(_("montant"), max_digits=10, decimal_places=2)
    done_at = models.DateTimeField(_("remboursé le"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.household_id}: {self.amount}"


register(
    Mandate,
    Lifecycle(
        states=MandateState,
        table=MANDATE_LIFECYCLE,
        event_model=MandateEvent,
        event_field="mandate",
        refused=_("Ce mandat est « %(state)s » : il ne peut pas devenir « %(to)s »."),
    ),
)
register(
    Debit,
    Lifecycle(
        states=DebitState,
        table=DEBIT_LIFECYCLE,
        event_model=DebitEvent,
        event_field="debit",
        refused=_("Ce prélèvement est déjà « %(state)s »."),
    ),
)
