import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from refectoire.billing.enums import (
    INVOICE_LIFECYCLE,
    PORTAL_STATE_LABELS,
    InvoiceAction,
    InvoiceKind,
    InvoiceState,
    LineKind,
    PayableState,
    RunState,
)
from refectoire.caisses.querysets import CaisseQuerySet
from refectoire.core.lifecycle import Lifecycle, TransitionEvent, register
from refectoire.core.models import TimeStampedModel
from refectoire.households.models import Household
from refectoire.schools.models import BillingPeriod


class InvoiceCounter(TimeStampedModel):
    """The next invoice number of a Caisse: one row, locked (select_for_update) while numbering."""

    caisse = models.OneToOneField("caisses.Caisse", on_delete=models.PROTECT, related_name="invoice_counter")
    next_number = models.PositiveIntegerField(_("prochain numéro"), default=1)

    class Meta:
        verbose_name = _("compteur de factures")
        verbose_name_plural = _("compteurs de factures")

    def __str__(self):
        return f"{self.caisse.slug}: {self.next_number}"


class BillingRun(TimeStampedModel):
    """The billing run of one period: computed into drafts, then issued by a manager."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    caisse = models.ForeignKey("caisses.Caisse", on_delete=models.PROTECT, related_name="billing_runs")
    period = models.OneToOneField(BillingPeriod, on_delete=models.PROTECT, related_name="run")
    state = models.CharField(_("état"), max_length=20, choices=RunState.choices, default=RunState.COMPUTING)
    # Files (dossiers) to compute and computed: the households and the adults' registrations
    # (restauration adulte). The names and labels stay those of the first version (no migration).
    households_total = models.PositiveIntegerField(_("foyers à calculer"), default=0)
    households_done = models.PositiveIntegerField(_("foyers calculés"), default=0)
    computed_at = models.DateTimeField(_("calculée le"), null=True, blank=True)
    issued_at = models.DateTimeField(_("émise le"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    error = models.TextField(_("erreur"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-period__start_date"]
        verbose_name = _("facturation")
        verbose_name_plural = _("facturations")

    def __str__(self):
        return f"{self.period} ({self.get_state_display()})"

    @property
    def progress_percent(self) -> int:
        if not self.households_total:
            return 100 if self.state != RunState.COMPUTING else 0
        return min(100, round(100 * self.households_done / self.households_total))


class InvoiceQuerySet(CaisseQuerySet):
    def for_user(self, user, caisse):
        """Issued invoices and credit notes of the households where `user` is a guardian, and of
        the user's own adult meals (restauration adulte)."""
        if not user.is_authenticated:
            return self.none()
        households = Household.objects.filter(caisse=caisse, guardians__user=user)
        return self.filter(
            Q(household__in=households) | Q(adult_registration__user=user),
            caisse=caisse,
            state__in=[InvoiceState.ISSUED, InvoiceState.CANCELLED],
        )

    def for_adult(self, user, caisse):
        """Issued invoices and credit notes of `user`'s adult meals (restauration adulte)."""
        return self.for_user(user, caisse).filter(adult_registration__isnull=False)

    def issued(self):
        return self.filter(state__in=[InvoiceState.ISSUED, InvoiceState.CANCELLED])

    def invoices(self):
        return self.filter(kind=InvoiceKind.INVOICE)

    def unpaid(self):
        return self.filter(kind=InvoiceKind.INVOICE, state=InvoiceState.ISSUED).filter(
            total__gt=F("amount_paid") + F("amount_credited")
        )

    def past_due(self, today):
        return self.unpaid().filter(due_date__lt=today)


class Invoice(TimeStampedModel):
    """An invoice (facture) or a credit note (avoir) of a household, or of an adult eating at the canteen.

    Exactly one of `household` and `adult_registration` is set: the children's meals and the
    holiday stays are a household's; the meals of a teacher, an ATSEM or an animateur are billed
    to their registration to the adult meals (restauration adulte).

    Drafts (no number) are recomputed freely; issuing numbers and freezes them. An issued
    invoice never changes except its amounts paid and credited, kept in step with payments
    and credit notes (both under a row lock).
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    caisse = models.ForeignKey("caisses.Caisse", on_delete=models.PROTECT, related_name="invoices")
    household = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, related_name="invoices", null=True, blank=True
    )
    adult_registration = models.ForeignKey(
        "adultmeals.AdultRegistration",
        on_delete=models.PROTECT,
        related_name="invoices",
        null=True,
        blank=True,
        verbose_name=_("inscription à la restauration adulte"),
    )
    period = models.ForeignKey(
        BillingPeriod, on_delete=models.PROTECT, related_name="invoices", null=True, blank=True
    )
    kind = models.CharField(
        _("type"), max_length=20, choices=InvoiceKind.choices, default=InvoiceKind.INVOICE
    )
    state = models.CharField(
        _("état"), max_length=20, choices=InvoiceState.choices, default=InvoiceState.DRAFT
    )
    number = models.PositiveIntegerField(_("numéro"), null=True, blank=True)
    label = models.CharField(_("libellé"), max_length=200, blank=True)
    total = models.DecimalField(_("montant"), max_digits=10, decimal_places=2, default=Decimal("0.00"))
    amount_paid = models.DecimalField(
        _("montant réglé"), max_digits=10, decimal_places=2, default=Decimal("0")
    )
    amount_credited = models.DecimalField(
        _("montant des avoirs"), max_digits=10, decimal_places=2, default=Decimal("0")
    )
    issued_at = models.DateTimeField(_("émise le"), null=True, blank=True)
    due_date = models.DateField(_("date d'échéance"), null=True, blank=True)
    payment_opens_at = models.DateTimeField(_("ouverture du paiement en ligne"), null=True, blank=True)
    # A credit note refers to the invoice it corrects.
    credited_invoice = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="credit_notes"
    )
    reason = models.TextField(_("motif"), blank=True)
    reminded_at = models.DateTimeField(_("relancée le"), null=True, blank=True)

    history = HistoricalRecords()
    objects = InvoiceQuerySet.as_manager()

    class Meta:
        ordering = ["-number", "-pk"]
        verbose_name = _("facture")
        verbose_name_plural = _("factures")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "household"],
                condition=Q(kind="invoice", credited_invoice__isnull=True),
                name="invoice_one_per_period_and_household",
            ),
            models.UniqueConstraint(
                fields=["period", "adult_registration"],
                condition=Q(kind="invoice", credited_invoice__isnull=True),
                name="invoice_one_per_period_and_adult",
            ),
            models.CheckConstraint(
                condition=Q(household__isnull=False, adult_registration__isnull=True)
                | Q(household__isnull=True, adult_registration__isnull=False),
                name="invoice_household_or_adult",
                violation_error_message=_("Une facture est celle d'un foyer ou d'un adulte, pas des deux."),
            ),
            models.UniqueConstraint(
                fields=["caisse", "number"], condition=Q(number__isnull=False), name="invoice_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(state="draft", number__isnull=True)
                | (~Q(state="draft") & Q(number__isnull=False)),
                name="invoice_number_once_issued",
                violation_error_message=_("Une facture émise a un numéro, un brouillon n'en a pas."),
            ),
            models.CheckConstraint(
                condition=Q(total__gte=0),
                name="invoice_total_not_negative",
                violation_error_message=_("Le montant ne peut pas être négatif."),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def title(self) -> str:
        """ "Restauration 40945 - Mars / Avril 2027"; "Facture 40950 - Séjour … — Inès" without a period."""
        if self.kind == InvoiceKind.CREDIT_NOTE:
            prefix = _("Avoir")
        else:
            prefix = _("Restauration") if self.period_id is not None else _("Facture")
        number = self.number if self.number is not None else _("(brouillon)")
        return f"{prefix} {number} - {self.label}"

    @property
    def is_credit_note(self) -> bool:
        return self.kind == InvoiceKind.CREDIT_NOTE

    @property
    def amount_due(self) -> Decimal:
        if self.kind != InvoiceKind.INVOICE or self.state != InvoiceState.ISSUED:
            return Decimal("0.00")
        return max(Decimal("0.00"), self.total - self.amount_paid - self.amount_credited)

    def payable_state(self, today=None) -> str:
        today = today or timezone.localdate()
        if self.state == InvoiceState.DRAFT:
            return PayableState.DRAFT
        if self.state == InvoiceState.CANCELLED:
            return PayableState.CANCELLED
        if self.kind == InvoiceKind.CREDIT_NOTE or self.amount_due == 0:
            return PayableState.PAID
        if self.due_date and self.due_date < today:
            return PayableState.LATE
        return PayableState.TO_PAY

    def payable_state_label(self, today=None) -> str:
        return PayableState(self.payable_state(today)).label

    def portal_state_label(self, today=None) -> str:
        """The state in the guides' words, for the portal: « Facture non réglée », « … — échéance
        dépassée », « Facture réglée »; a credit note reads « Avoir »."""
        if self.kind == InvoiceKind.CREDIT_NOTE and self.state == InvoiceState.ISSUED:
            return str(_("Avoir"))
        return str(PORTAL_STATE_LABELS[PayableState(self.payable_state(today))])

    def payment_is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.payment_opens_at is None or self.payment_opens_at <= now


class InvoiceLine(models.Model):
    """One child at one price (a bracket change inside a period gives two lines), or a credit."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(_("ordre"), default=0)
    kind = models.CharField(_("type"), max_length=20, choices=LineKind.choices, default=LineKind.MEALS)
    child = models.ForeignKey(
        "households.Child", on_delete=models.PROTECT, null=True, blank=True, related_name="invoice_lines"
    )
    label = models.CharField(_("libellé"), max_length=200)
    meals = models.PositiveIntegerField(_("repas"), default=0)
    unit_price = models.DecimalField(
        _("prix unitaire"), max_digits=10, decimal_places=2, default=Decimal("0")
    )
    amount = models.DecimalField(_("montant"), max_digits=10, decimal_places=2)
    days = models.JSONField(_("jours facturés"), default=list, blank=True)
    bracket_number = models.PositiveSmallIntegerField(_("tarif"), null=True, blank=True)
    family_quotient = models.DecimalField(
        _("quotient familial"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    decision_id = models.PositiveIntegerField(_("décision"), null=True, blank=True)
    reason = models.CharField(_("origine du prix"), max_length=300, blank=True)
    credit_id = models.PositiveIntegerField(_("crédit"), null=True, blank=True)

    class Meta:
        ordering = ["invoice", "position"]
        verbose_name = _("ligne de facture")
        verbose_name_plural = _("lignes de facture")

    def __str__(self):
        return self.label


class InvoiceEvent(TransitionEvent):
    """One row per transition of an invoice: who, when, what and why."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(max_length=20, choices=InvoiceState.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=InvoiceState.choices, blank=True)
    action = models.CharField(_("action"), max_length=50, choices=InvoiceAction.choices)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("événement de facture")
        verbose_name_plural = _("événements de facture")

    def __str__(self):
        return f"{self.invoice} — {self.action}"


register(
    Invoice,
    Lifecycle(
        states=InvoiceState,
        table=INVOICE_LIFECYCLE,
        event_model=InvoiceEvent,
        event_field="invoice",
        refused=_("Cette facture ne peut pas passer dans cet état."),
    ),
)


class CreditQuerySet(CaisseQuerySet):
    def for_household(self, household):
        return self.filter(caisse_id=household.caisse_id, household=household)

    def unused(self):
        return self.filter(used_by_invoice__isnull=True)


class Credit(TimeStampedModel):
    """Meals to give back to a household (refund for illness), deducted from its next invoice.

    An accepted request makes it (`requests.services`); the billing run prices the meals of
    `days` at what was invoiced for them and, when its invoice is issued, records that invoice
    in `used_by_invoice`.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    caisse = models.ForeignKey("caisses.Caisse", on_delete=models.PROTECT, related_name="credits")
    household = models.ForeignKey("households.Household", on_delete=models.PROTECT, related_name="credits")
    child = models.ForeignKey("households.Child", on_delete=models.PROTECT, related_name="credits")
    request = models.OneToOneField("requests.Request", on_delete=models.PROTECT, related_name="credit")
    days = models.JSONField(_("jours remboursés"), default=list)
    meal_count = models.PositiveIntegerField(_("nombre de repas"))
    amount = models.DecimalField(_("montant"), max_digits=10, decimal_places=2, null=True, blank=True)
    # The issued invoice that deducted it (by its UUID, the column's values before it was a key).
    used_by_invoice = models.ForeignKey(
        Invoice,
        on_delete=models.PROTECT,
        to_field="uuid",
        related_name="credits_used",
        verbose_name=_("déduit sur la facture"),
        null=True,
        blank=True,
    )
    used_at = models.DateTimeField(_("déduit le"), null=True, blank=True)

    history = HistoricalRecords()
    objects = CreditQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("avoir de repas")
        verbose_name_plural = _("avoirs de repas")
        constraints = [
            models.CheckConstraint(
                condition=Q(meal_count__gt=0),
                name="credit_has_meals",
                violation_error_message=_("Aucun repas."),
            ),
        ]

    def __str__(self):
        return f"{self.child} — {self.meal_count} repas"


# What billing tells schools about a period (registered in BillingConfig.ready()) -----------------


def period_has_issued_invoices(period) -> bool:
    return bool(period.pk) and (
        Invoice.objects.filter(period_id=period.pk, kind=InvoiceKind.INVOICE)
        .exclude(state=InvoiceState.DRAFT)
        .exists()
    )


def period_is_frozen(period) -> bool:
    """Issued (or being issued) by its run, or holding issued invoices whatever the run says."""
    if not period.pk:
        return False
    run_issued = BillingRun.objects.filter(
        period_id=period.pk, state__in=[RunState.ISSUED, RunState.ISSUING]
    ).exists()
    return run_issued or period_has_issued_invoices(period)
