from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        abstract = True


class OutboxEmail(models.Model):
    """A message delivered to the demo outbox (/dev/outbox/) instead of an SMTP server."""

    created_at = models.DateTimeField(auto_now_add=True)
    subject = models.CharField(max_length=998)
    from_email = models.CharField(max_length=320)
    to = models.TextField()
    body = models.TextField()
    raw = models.BinaryField()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.subject
