import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from refectoire.caisses.querysets import CaisseQuerySet
from refectoire.core.lifecycle import Lifecycle, TransitionEvent, register
from refectoire.core.models import TimeStampedModel
from refectoire.core.money import format_euros
from refectoire.payments.enums import (
    OPERATION_LIFECYCLE,
    PAYMENT_LIFECYCLE,
    OperationState,
    PayfipBackend,
    PayfipMode,
    PaymentMethod,
    PaymentState,
)


class PayfipSettings(TimeStampedModel):
    """A Caisse's PayFIP account (numéro client DGFiP) and how online payment behaves."""

    caisse = models.OneToOneField("caisses.Caisse", on_delete=models.CASCADE, related_name="payfip_settings")
    numcli = models.CharField(
        _("numéro client PayFIP"), max_length=6, validators=[RegexValidator(r"^\d{6}$", _("Six chiffres."))]
    )
    mode = models.CharField(_("mode"), max_length=1, choices=PayfipMode.choices, default=PayfipMode.TEST)
    backend = models.CharField(
        _("service"), max_length=20, choices=PayfipBackend.choices, default=PayfipBackend.PAYFIP
    )
    # Another PayFIP endpoint (its WSDL) than DGFiP's: a qualification platform or a local fake.
    wsdl_url = models.URLField(_("adresse du WSDL"), blank=True)
    allow_grouped_payment = models.BooleanField(_("payer plusieurs factures en un paiement"), default=False)
    is_active = models.BooleanField(_("paiement en ligne actif"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("réglages PayFIP")
        verbose_name_plural = _("réglages PayFIP")

    def __str__(self):
        return f"PayFIP {self.numcli} ({self.caisse.slug})"


class PayfipOperationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(state=OperationState.PENDING)


class PayfipOperation(TimeStampedModel):
    """One online payment asked of PayFIP (an idOp): for one invoice, or several oldest first."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    caisse = models.ForeignKey("caisses.Caisse", on_delete=models.PROTECT, related_name="payfip_operations")
    # Who pays: a household, or an adult for the invoices of their adult meals (one of the two).
    household = models.ForeignKey(
        "households.Household",
        on_delete=models.PROTECT,
        related_name="payfip_operations",
        null=True,
        blank=True,
    )
    adult_registration = models.ForeignKey(
        "adultmeals.AdultRegistration",
        on_delete=models.PROTECT,
        related_name="payfip_operations",
        null=True,
        blank=True,
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    idop = models.CharField(_("identifiant d'opération"), max_length=64, unique=True)
    refdet = models.CharField(_("référence"), max_length=30)
    amount = models.DecimalField(_("montant"), max_digits=10, decimal_places=2)
    email = models.EmailField(_("courriel"))
    invoices = models.ManyToManyField(
        "billing.Invoice", through="OperationInvoice", related_name="operations"
    )
    state = models.CharField(
        _("état"), max_length=20, choices=OperationState.choices, default=OperationState.PENDING
    )
    settled_at = models.DateTimeField(_("réglée le"), null=True, blank=True)
    bank_status = models.CharField(_("réponse de la banque"), max_length=200, blank=True)
    bank_data = models.JSONField(_("données PayFIP"), default=dict, blank=True)

    history = HistoricalRecords()
    objects = PayfipOperationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("opération PayFIP")
        verbose_name_plural = _("opérations PayFIP")
        constraints = [
            models.CheckConstraint(
                condition=Q(household__isnull=False, adult_registration__isnull=True)
                | Q(household__isnull=True, adult_registration__isnull=False),
                name="payfip_operation_household_or_adult",
            ),
        ]

    def __str__(self):
        return f"{self.idop} ({self.get_state_display()})"


class OperationInvoice(models.Model):
    """The share of an operation's amount that goes to one invoice (oldest first)."""

    operation = models.ForeignKey(PayfipOperation, on_delete=models.CASCADE, related_name="shares")
    invoice = models.ForeignKey("billing.Invoice", on_delete=models.PROTECT, related_name="operation_shares")
    amount = models.DecimalField(_("montant"), max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["operation", "invoice"], name="operation_invoice_unique"),
        ]

    def __str__(self):
        return f"{self.operation_id} → {self.invoice_id}: {self.amount}"


class PaymentQuerySet(CaisseQuerySet):
    def recorded(self):
        return self.filter(state=PaymentState.RECORDED)


class Payment(TimeStampedModel):
    """Money received from a household (online or at the counter), or paid back to it (refund).

    A refund has a negative amount. Cancelling is a state with a reason, never a deletion.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    caisse = models.ForeignKey("caisses.Caisse", on_delete=models.PROTECT, related_name="payments")
    household = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, related_name="payments", null=True, blank=True
    )
    # The adult who pays the invoices of their adult meals (restauration adulte), when no household.
    adult_registration = models.ForeignKey(
        "adultmeals.AdultRegistration",
        on_delete=models.PROTECT,
        related_name="payments",
        null=True,
        blank=True,
    )
    method = models.CharField(_("mode de paiement"), max_length=20, choices=PaymentMethod.choices)
    is_refund = models.BooleanField(_("remboursement"), default=False)
    amount = models.DecimalField(_("montant"), max_digits=10, decimal_places=2)
    paid_on = models.DateField(_("date"))
    reference = models.CharField(_("référence"), max_length=100, blank=True)
    state = models.CharField(
        _("état"), max_length=20, choices=PaymentState.choices, default=PaymentState.RECORDED
    )
    # An online payment comes from exactly one PayFIP operation (recorded once, whatever the notifications).
    operation = models.OneToOneField(
        PayfipOperation, on_delete=models.PROTECT, null=True, blank=True, related_name="payment"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(_("annulé le"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancel_reason = models.TextField(_("motif d'annulation"), blank=True)
    # The one-time token of the form that recorded it: the same form sent again records nothing.
    form_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    history = HistoricalRecords()
    objects = PaymentQuerySet.as_manager()

    class Meta:
        ordering = ["-paid_on", "-pk"]
        verbose_name = _("paiement")
        verbose_name_plural = _("paiements")
        constraints = [
            models.CheckConstraint(
                condition=Q(is_refund=True, amount__lt=0) | Q(is_refund=False, amount__gt=0),
                name="payment_amount_sign",
                violation_error_message=_(
                    "Le montant d'un paiement est positif, celui d'un remboursement négatif."
                ),
            ),
            models.CheckConstraint(
                condition=Q(household__isnull=False, adult_registration__isnull=True)
                | Q(household__isnull=True, adult_registration__isnull=False),
                name="payment_household_or_adult",
                violation_error_message=_("Un paiement est celui d'un foyer ou d'un adulte, pas des deux."),
            ),
        ]

    def __str__(self):
        return f"{self.get_method_display()} {format_euros(self.amount)}"

    @property
    def allocated(self) -> Decimal:
        return sum((a.amount for a in self.allocations.all()), Decimal("0.00"))


class PaymentAllocationQuerySet(models.QuerySet):
    def recorded(self):
        """The shares of payments recorded (not cancelled), by payment date: what an invoice shows."""
        return (
            self.filter(payment__state=PaymentState.RECORDED)
            .select_related("payment")
            .order_by("payment__paid_on", "pk")
        )


class PaymentAllocation(models.Model):
    """The share of a payment that settles one invoice."""

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="allocations")
    invoice = models.ForeignKey("billing.Invoice", on_delete=models.PROTECT, related_name="allocations")
    amount = models.DecimalField(_("montant"), max_digits=10, decimal_places=2)

    objects = PaymentAllocationQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["payment", "invoice"], name="payment_allocation_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_allocation_positive"),
        ]

    def __str__(self):
        return f"{self.payment_id} → {self.invoice_id}: {self.amount}"


class PaymentLog(TransitionEvent):
    """What happened to payments and operations, refused notifications included (who, when, what);
    a move of a payment's or an operation's state also says from which state to which."""

    caisse = models.ForeignKey("caisses.Caisse", on_delete=models.CASCADE, related_name="+")
    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, null=True, blank=True, related_name="logs")
    operation = models.ForeignKey(
        PayfipOperation, on_delete=models.CASCADE, null=True, blank=True, related_name="logs"
    )
    action = models.CharField(_("action"), max_length=50)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.action


register(
    Payment,
    Lifecycle(
        states=PaymentState,
        table=PAYMENT_LIFECYCLE,
        event_model=PaymentLog,
        event_field="payment",
        refused=_("Ce paiement est déjà annulé."),
        event_copies=("caisse_id",),
    ),
)
register(
    PayfipOperation,
    Lifecycle(
        states=OperationState,
        table=OPERATION_LIFECYCLE,
        event_model=PaymentLog,
        event_field="operation",
        refused=_("Ce paiement en ligne est déjà « %(state)s »."),
        event_copies=("caisse_id",),
    ),
)
