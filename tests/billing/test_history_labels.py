"""An invoice's history, as an agent reads it: what happened in French, never the stored code."""

from decimal import Decimal

import pytest

from refectoire.billing.enums import InvoiceAction
from refectoire.billing.models import InvoiceEvent
from tests.billing.factories import InvoiceFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("action", list(InvoiceAction))
def test_every_invoice_event_reads_in_french(client, curl, cde11, agent_cde11, action):
    invoice = InvoiceFactory(caisse=cde11, issued=True, total=Decimal("22.80"))
    InvoiceEvent.objects.create(invoice=invoice, action=action)
    client.force_login(agent_cde11)
    page = client.get(curl(cde11, "backoffice:billing_invoice", invoice_uuid=invoice.uuid)).content.decode()
    history = page.split("Historique", 1)[1]
    assert f"— {action.label}" in history
    assert f"— {action.value}<" not in history and f"— {action.value} " not in history
