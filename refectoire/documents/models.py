import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from refectoire.caisses.querysets import CaisseQuerySet
from refectoire.core.models import TimeStampedModel
from refectoire.documents.enums import DocumentKind

DOWNLOAD_EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def private_path(instance, filename):
    # A random name, never the uploaded one: nothing can be guessed from the storage.
    return f"documents/{instance.caisse_id}/{uuid.uuid4().hex}.{filename.rsplit('.', 1)[-1]}"


class DocumentQuerySet(CaisseQuerySet):
    def for_household(self, household):
        return self.filter(caisse_id=household.caisse_id, household=household)

    def available(self):
        return self.filter(deleted_at__isnull=True)


class Document(TimeStampedModel):
    """A file a parent (or an agent) sent: checked by content, stored privately, kept with history."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    caisse = models.ForeignKey("caisses.Caisse", on_delete=models.PROTECT, related_name="documents")
    household = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, related_name="documents", null=True, blank=True
    )
    kind = models.CharField(_("type de document"), max_length=30, choices=DocumentKind.choices)
    file = models.FileField(upload_to=private_path, max_length=300)
    original_name = models.CharField(_("nom du fichier"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    pages = models.PositiveIntegerField(default=1)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    # Retention: the file is deleted, the row stays as the trace of what there was.
    retain_until = models.DateField(_("conserver jusqu'au"), null=True, blank=True)
    deleted_at = models.DateTimeField(_("supprimé le"), null=True, blank=True)

    history = HistoricalRecords()
    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self):
        return f"{self.get_kind_display()} — {self.original_name}"

    @property
    def download_name(self) -> str:
        """The name a download gets: its kind and date (« certificat-medical-06-12-2026.pdf »).

        Never the uploaded name, which may lie about the content (« facture.pdf.exe »).
        """
        extension = DOWNLOAD_EXTENSIONS.get(self.content_type, "bin")
        day = timezone.localdate(self.created_at) if self.created_at else timezone.localdate()
        return f"{slugify(self.get_kind_display())}-{day:%d-%m-%Y}.{extension}"

    @property
    def is_inline(self) -> bool:
        """PDF and images are shown in the browser; anything else is downloaded."""
        return self.content_type in {"application/pdf", "image/jpeg", "image/png"}


class RetentionPolicy(TimeStampedModel):
    """How long a Caisse keeps the documents of a closed request (set by a manager)."""

    caisse = models.OneToOneField("caisses.Caisse", on_delete=models.CASCADE, related_name="retention_policy")
    closed_request_days = models.PositiveIntegerField(
        _("durée de conservation (jours)"),
        default=365,
        help_text=_("Après la clôture d'une demande, ses pièces jointes sont conservées ce nombre de jours."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("règle de conservation")
        verbose_name_plural = _("règles de conservation")

    def __str__(self):
        return f"{self.caisse} — {self.closed_request_days} j"


class DocumentDeletion(models.Model):
    """The trace of a file deleted at the end of its retention (the Document row stays too)."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="deletions")
    caisse = models.ForeignKey("caisses.Caisse", on_delete=models.PROTECT, related_name="+")
    deleted_at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(_("motif"), max_length=200)
    original_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["-deleted_at", "-pk"]
        verbose_name = _("suppression de document")
        verbose_name_plural = _("suppressions de documents")

    def __str__(self):
        return f"{self.original_name} — {self.deleted_at:%d/%m/%Y}"
