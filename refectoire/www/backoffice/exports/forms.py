from django import forms
from django.utils.translation import gettext_lazy as _

from refectoire.core.forms import DateInput


class StayExportForm(forms.Form):
    """The invoices without a period (holiday stays) issued between two days, as CSV or PES V2."""

    FORMATS = [("csv", _("CSV (une ligne par ligne de facture)")), ("pes", _("Bordereau PES V2 (ORMC)"))]

    issued_from = forms.DateField(
        label=_("Du"), widget=DateInput(), help_text=_("Factures émises à partir de ce jour.")
    )
    issued_to = forms.DateField(label=_("Au"), widget=DateInput(), help_text=_("Jusqu'à ce jour inclus."))
    fmt = forms.ChoiceField(label=_("Format"), choices=FORMATS, initial="csv", widget=forms.RadioSelect)

    def clean(self):
        data = super().clean()
        first, last = data.get("issued_from"), data.get("issued_to")
        if first and last and last < first:
            self.add_error("issued_to", _("La date de fin précède la date de début."))
        return data
