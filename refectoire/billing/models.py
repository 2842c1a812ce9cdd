import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from refectoire.core.models import TimeStampedModel


class BillingPeriodQuerySet(models.QuerySet):
    def for_caisse(self, caisse):
        return self.filter(caisse=caisse)

    def containing(self, day):
        return self.filter(start_date__lte=day, end_date__gte=day)


class BillingPeriod(TimeStampedModel):
    """A billing period ("Mars / Avril 2027"): invoices are computed per household and period.

    A period is named by its first month (`2027-03`) on the command line.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    caisse = models.ForeignKey("caisses.Caisse", on_delete=models.PROTECT, related_name="billing_periods")
    school_year = models.ForeignKey(
        "schools.SchoolYear", on_delete=models.PROTECT, related_name="billing_periods"
    )
    label = models.CharField(_("libellé"), max_length=100)
    start_date = models.DateField(_("premier jour"))
    end_date = models.DateField(_("dernier jour"))
    payment_opens_at = models.DateTimeField(_("ouverture du paiement en ligne"), null=True, blank=True)
    due_date = models.DateField(_("date d'échéance"), null=True, blank=True)

    history = HistoricalRecords()
    objects = BillingPeriodQuerySet.as_manager()

    class Meta:
        ordering = ["start_date"]
        verbose_name = _("période de facturation")
        verbose_name_plural = _("périodes de facturation")
        constraints = [
            models.UniqueConstraint(
                fields=["caisse", "start_date"], name="billing_period_start_unique_per_caisse"
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="billing_period_end_after_start",
                violation_error_message=_("Le dernier jour doit suivre le premier."),
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def code(self) -> str:
        """`2027-03`: the period named by its first month."""
        return self.start_date.strftime("%Y-%m")

    def clean(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("Le dernier jour doit suivre le premier.")})
