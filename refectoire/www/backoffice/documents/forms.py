"""The form of the documents' retention period (back office)."""

from django import forms

from refectoire.documents.models import RetentionPolicy


class RetentionForm(forms.ModelForm):
    class Meta:
        model = RetentionPolicy
        fields = ["closed_request_days"]
