"""The agents' pages of the batches of stays (OOFF) and of the cancellation of a planned debit, and
who may reach them: the Caisse's agents only (not another Caisse's, not a parent, not anonymous)."""

from decimal import Decimal

import pytest

from refectoire.directdebit.enums import DebitState
from refectoire.directdebit.models import DebitBatch, DebitCancellation
from refectoire.directdebit.services import stays_batch_generate
from tests.directdebit.helpers import issued_period, setup_sepa, sign
from tests.directdebit.test_stays_and_cancel import stay_invoice


@pytest.fixture
def stays_batch(cde11, household_a, parent_a):
    setup_sepa(cde11, debit_stays=True)
    sign(household_a, parent_a)
    stay_invoice(cde11, household_a)
    return stays_batch_generate(caisse=cde11)


def test_the_agent_generates_the_stays_batch_downloads_it_and_records_a_reject(
    client, curl, cde11, household_a, parent_a, agent_cde11
):
    setup_sepa(cde11, debit_stays=True)
    sign(household_a, parent_a)
    invoice = stay_invoice(cde11, household_a)
    client.force_login(agent_cde11)
    assert (
        "Prélèvements des séjours" in client.get(curl(cde11, "backoffice:directdebit_home")).content.decode()
    )
    page = client.get(curl(cde11, "backoffice:directdebit_stays")).content.decode()
    assert str(invoice.number) in page and "prélèvement ponctuel (OOFF)" in page
    response = client.post(curl(cde11, "backoffice:directdebit_stays"))
    batch = DebitBatch.objects.get(period__isnull=True)
    assert response.status_code == 302
    page = client.get(
        curl(cde11, "backoffice:directdebit_stays_batch", batch_uuid=batch.uuid)
    ).content.decode()
    assert batch.message_id in page and "180,00" in page
    download = client.get(curl(cde11, "backoffice:directdebit_stays_batch_file", batch_uuid=batch.uuid))
    assert download.content == bytes(batch.content)
    debit = batch.debits.get()
    response = client.post(
        curl(cde11, "backoffice:directdebit_debit_reject", debit_uuid=debit.uuid), {"reason_code": "AM04"}
    )
    assert response.url.endswith(f"/{batch.uuid}/")
    debit.refresh_from_db()
    assert debit.state == DebitState.REJECTED


def test_the_agent_cancels_a_planned_debit_with_a_reason(
    client, curl, cde11, household_a, parent_a, agent_cde11
):
    setup_sepa(cde11)
    sign(household_a, parent_a)
    period, (invoice,) = issued_period(cde11, [household_a])
    client.force_login(agent_cde11)
    url = curl(cde11, "backoffice:directdebit_debit_cancel", invoice_uuid=invoice.uuid)
    assert (
        'for="cancel-'
        in client.get(curl(cde11, "backoffice:directdebit_batch", period_uuid=period.uuid)).content.decode()
    )
    page = client.post(url, {"reason": ""}, follow=True).content.decode()
    assert "Indiquez le motif" in page and not DebitCancellation.objects.exists()
    page = client.post(url, {"reason": "Famille en difficulté"}, follow=True).content.decode()
    assert "annulé" in page
    assert DebitCancellation.objects.get().invoice_id == invoice.pk
    assert f'id="cancel-{invoice.pk}"' not in page  # the batch page no longer lists it


def _stays_kwargs(kwargs, batch):
    return {name: batch.uuid for name in kwargs}


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("backoffice:directdebit_stays", {}),
        ("backoffice:directdebit_stays_batch", {"batch_uuid"}),
        ("backoffice:directdebit_stays_batch_file", {"batch_uuid"}),
    ],
)
def test_the_stays_pages_are_closed_to_another_caisse_a_parent_and_anonymous(
    client, curl, cde11, cde19, stays_batch, agent_cde11, agent_cde19, parent_a, name, kwargs
):
    url = curl(cde11, name, **_stays_kwargs(kwargs, stays_batch))
    client.force_login(agent_cde11)
    assert client.get(url).status_code == 200
    client.force_login(agent_cde19)
    assert client.get(url).status_code == 404
    own = client.get(curl(cde19, name, **_stays_kwargs(kwargs, stays_batch)))
    if kwargs:
        assert own.status_code == 404
    else:  # their own Caisse's page, without anything of cde11
        assert own.status_code == 200 and stays_batch.message_id not in own.content.decode()
    client.force_login(parent_a)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_nobody_but_the_caisse_s_agents_cancels_a_debit_or_generates_stays(
    client, curl, cde11, cde19, household_a, parent_a, agent_cde19, manager_cde19
):
    setup_sepa(cde11, debit_stays=True)
    sign(household_a, parent_a)
    _period, (invoice,) = issued_period(cde11, [household_a])
    stay = stay_invoice(cde11, household_a)
    for user in (agent_cde19, manager_cde19):  # another Caisse: its own address, our invoices unknown
        client.force_login(user)
        for target in (invoice, stay):
            url = curl(cde19, "backoffice:directdebit_debit_cancel", invoice_uuid=target.uuid)
            assert client.post(url, {"reason": "x"}).status_code == 404
        client.post(curl(cde19, "backoffice:directdebit_stays"))
    client.force_login(parent_a)
    for target in (invoice, stay):
        url = curl(cde11, "backoffice:directdebit_debit_cancel", invoice_uuid=target.uuid)
        assert client.post(url, {"reason": "x"}).status_code == 404
    assert client.post(curl(cde11, "backoffice:directdebit_stays")).status_code == 404
    client.logout()
    url = curl(cde11, "backoffice:directdebit_debit_cancel", invoice_uuid=invoice.uuid)
    response = client.post(url, {"reason": "x"})
    assert response.status_code == 302 and "login" in response.url
    assert client.post(curl(cde11, "backoffice:directdebit_stays")).status_code == 302
    assert not DebitCancellation.objects.exists()
    assert not DebitBatch.objects.exists()
    stay.refresh_from_db()
    assert stay.amount_due == Decimal("180.00")
