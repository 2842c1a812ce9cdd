from django import forms
from django.utils.translation import gettext_lazy as _

from refectoire.core.uploads import PDF_OR_IMAGE, inspect_upload


class CheckedFileField(forms.FileField):
    """A file field whose content is checked in the form: the error shows next to the field."""

    def __init__(self, *args, allowed=PDF_OR_IMAGE, **kwargs):
        self.allowed = allowed
        kwargs.setdefault("help_text", _("PDF, JPEG ou PNG, 10 Mo au plus."))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        uploaded = super().clean(data, initial)
        if uploaded:
            inspect_upload(uploaded, allowed=self.allowed)
        return uploaded
