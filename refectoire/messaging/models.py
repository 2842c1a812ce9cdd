import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from refectoire.core.models import TimeStampedModel


class NewsItemQuerySet(models.QuerySet):
    def for_caisse(self, caisse):
        return self.filter(caisse=caisse)

    def published(self, caisse, *, on=None):
        """What the public sees on day `on`: published, not yet ended; pinned first, then newest."""
        on = on or timezone.localdate()
        return (
            self.for_caisse(caisse)
            .filter(publish_date__lte=on)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
            .order_by("-pinned", "-publish_date", "-created_at")
        )


class NewsItem(TimeStampedModel):
    """An "actualité" of a Caisse, shown on its welcome page."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    caisse = models.ForeignKey("caisses.Caisse", on_delete=models.CASCADE, related_name="news")
    title = models.CharField(_("titre"), max_length=200)
    body = models.TextField(_("texte"))
    publish_date = models.DateField(_("date de publication"), default=timezone.localdate)
    end_date = models.DateField(_("fin de publication"), null=True, blank=True)
    pinned = models.BooleanField(_("épinglée"), default=False, help_text=_("Toujours en tête de liste."))

    history = HistoricalRecords()
    objects = NewsItemQuerySet.as_manager()

    class Meta:
        ordering = ["-pinned", "-publish_date", "-created_at"]
        verbose_name = _("actualité")
        verbose_name_plural = _("actualités")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("publish_date")),
                name="news_end_after_publish",
                violation_error_message=_("La fin de publication doit suivre la date de publication."),
            )
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if self.end_date and self.publish_date and self.end_date < self.publish_date:
            raise ValidationError(
                {"end_date": _("La fin de publication doit suivre la date de publication.")}
            )
