"""The demo at cde11: two households on direct debit (one FRST, one RCUR), the batch of the issued
period generated (valid against the official XSD), one AC04 reject handled; a second seed changes nothing."""

import io

import pytest
from django.core.management import call_command

from refectoire.directdebit import pain008
from refectoire.directdebit.enums import DebitState, MandateState
from refectoire.directdebit.models import Debit, DebitBatch, Mandate

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_frst_and_a_rcur_household_a_batch_and_an_ac04_reject():
    call_command("seed_demo", stdout=io.StringIO())
    assert Mandate.objects.filter(caisse__slug="cde11", state=MandateState.ACTIVE).count() == 2
    batch = DebitBatch.objects.get(caisse__slug="cde11")
    pain008.validate(bytes(batch.content), batch.pain_version)
    assert sorted(Debit.objects.values_list("sequence_type", flat=True)) == ["FRST", "RCUR"]
    rejected = Debit.objects.get(state=DebitState.REJECTED)
    assert rejected.reject_reason == "AC04" and rejected.sequence_type == "RCUR"
    assert rejected.invoice.amount_due == rejected.amount  # back to « non réglée »
    counts = (Mandate.objects.count(), Debit.objects.count(), Mandate.history.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (Mandate.objects.count(), Debit.objects.count(), Mandate.history.count()) == counts
