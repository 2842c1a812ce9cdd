from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        abstract = True


# The fields of a postal address (the guide's « ADRESSE » block), on accounts and guardians alike.
ADDRESS_FIELDS = (
    "street_number",
    "street_name",
    "building",
    "apartment",
    "address_complement",
    "postcode",
    "city",
    "country",
)


class PostalAddressMixin:
    """`address_lines` of a model with the ADDRESS_FIELDS of the guide's « ADRESSE » block."""

    @property
    def address_lines(self) -> list[str]:
        first = " ".join(part for part in [self.street_number, self.street_name] if part)
        extra = ", ".join(
            part
            for part in [
                _("Bâtiment %(building)s") % {"building": self.building} if self.building else "",
                _("Appartement %(apartment)s") % {"apartment": self.apartment} if self.apartment else "",
                self.address_complement,
            ]
            if part
        )
        town = " ".join(part for part in [self.postcode, self.city] if part)
        return [
            line for line in [first, extra, town, self.country if self.country != "France" else ""] if line
        ]


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
