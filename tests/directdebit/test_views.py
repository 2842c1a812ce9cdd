"""The screens of direct debit: the parent's page (sign, errors next to the field, revoke), the
agents' « Prélèvements » (batch, file, reject, return file, full IBAN for managers, logged), and
isolation of every view: another household, another Caisse, anonymous, wrong role."""

from decimal import Decimal

import pytest

from refectoire.accounts.models import AccessLog
from refectoire.directdebit.enums import DebitState, MandateState
from refectoire.directdebit.models import Debit, DebitBatch, Mandate
from refectoire.directdebit.services import batch_generate
from refectoire.payments.models import PayfipSettings
from tests.billing.factories import household_of
from tests.directdebit.helpers import PARENT_IBAN, PASSWORD, issued_period, setup_sepa, sign


@pytest.fixture
def sepa(cde11):
    return setup_sepa(cde11)


@pytest.fixture
def mandate(sepa, household_a, parent_a):
    return sign(household_a, parent_a)


@pytest.fixture
def batch(mandate, cde11, household_a):
    period, _ = issued_period(cde11, [household_a])
    return batch_generate(caisse=cde11, period=period)


# The parent --------------------------------------------------------------------------------------


def test_the_parent_signs_on_the_page_and_reads_the_mandate_text(
    client, curl, cde11, sepa, household_a, parent_a
):
    parent_a.set_password(PASSWORD)
    parent_a.save()
    client.force_login(parent_a)
    page = client.get(curl(cde11, "portal:directdebit")).content.decode()
    assert sepa.creditor_id in page and "8 semaines" in page
    response = client.post(
        curl(cde11, "portal:directdebit"),
        {
            "holder_name": "Allison Lovinfosse",
            "iban": "FR14 2004 1010 0505 0001 3M02 606",
            "accepted": "on",
            "password": PASSWORD,
        },
    )
    assert response.status_code == 302
    mandate = Mandate.objects.get(household=household_a)
    page = client.get(curl(cde11, "portal:directdebit")).content.decode()
    assert mandate.reference in page and "FR14 •••• •••• 2606" in page and PARENT_IBAN not in page


def test_a_bad_iban_is_said_next_to_the_field_and_what_was_typed_is_kept(
    client, curl, cde11, sepa, household_a, parent_a
):
    client.force_login(parent_a)
    response = client.post(
        curl(cde11, "portal:directdebit"),
        {
            "holder_name": "Allison Lovinfosse",
            "iban": "FR1420041010050500013M02607",
            "accepted": "on",
            "password": "x",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "clé de contrôle incorrecte" in page and 'value="FR1420041010050500013M02607"' in page
    assert "Mot de passe incorrect" in page
    assert not Mandate.objects.exists()


def test_the_parent_revokes(client, curl, cde11, mandate, parent_a):
    client.force_login(parent_a)
    response = client.post(curl(cde11, "portal:directdebit_revoke"), {"confirm": "on"})
    assert response.status_code == 302
    mandate.refresh_from_db()
    assert mandate.state == MandateState.REVOKED and mandate.ended_by == parent_a


def test_another_household_sees_only_its_own_page_and_cannot_revoke(client, curl, cde11, mandate, parent_b):
    household_of(parent_b, cde11)
    client.force_login(parent_b)
    page = client.get(curl(cde11, "portal:directdebit")).content.decode()
    assert mandate.reference not in page and "FR14" not in page
    assert client.post(curl(cde11, "portal:directdebit_revoke"), {"confirm": "on"}).status_code == 404
    mandate.refresh_from_db()
    assert mandate.state == MandateState.ACTIVE


def test_another_caisse_and_anonymous_do_not_reach_the_parent_page(
    client, curl, cde11, cde19, mandate, parent_a, parent_19
):
    household_of(parent_19, cde19)
    client.force_login(parent_19)
    assert client.get(curl(cde19, "portal:directdebit")).status_code == 404  # cde19 offers no direct debit
    page = client.get(curl(cde11, "portal:directdebit")).content.decode()
    assert mandate.reference not in page
    client.logout()
    assert client.get(curl(cde11, "portal:directdebit")).status_code == 302


def test_the_invoice_shows_the_debit_and_offers_no_card_payment(
    client, curl, cde11, mandate, household_a, parent_a
):
    PayfipSettings.objects.create(caisse=cde11, numcli="123456", backend="dummy")
    period, (invoice,) = issued_period(cde11, [household_a])
    client.force_login(parent_a)
    page = client.get(curl(cde11, "portal:invoice_detail", invoice_uuid=invoice.uuid)).content.decode()
    assert "Cette facture sera prélevée le" in page and "FR14 •••• •••• 2606" in page
    assert "Payer la facture" not in page
    assert client.get(curl(cde11, "portal:invoice_pay", invoice_uuid=invoice.uuid)).status_code in (302, 200)
    assert not invoice.operations.exists()
    assert "Prélèvement automatique" in client.get(curl(cde11, "portal:invoice_list")).content.decode()


# The agents --------------------------------------------------------------------------------------


def test_the_agent_generates_the_batch_downloads_it_and_records_a_reject(
    client, curl, cde11, mandate, household_a, agent_cde11
):
    period, (invoice,) = issued_period(cde11, [household_a])
    client.force_login(agent_cde11)
    page = client.get(curl(cde11, "backoffice:directdebit_batch", period_uuid=period.uuid)).content.decode()
    assert "Générer le fichier" in page and "FRST" in page
    client.post(curl(cde11, "backoffice:directdebit_batch", period_uuid=period.uuid))
    batch = DebitBatch.objects.get()
    file_url = curl(cde11, "backoffice:directdebit_batch_file", period_uuid=period.uuid)
    first = client.get(file_url).content
    assert first == client.get(file_url).content == bytes(batch.content)
    assert b"pain.008.001.08" in client.get(file_url + "?format=pain.008.001.08").content
    debit = Debit.objects.get()
    client.post(
        curl(cde11, "backoffice:directdebit_debit_reject", debit_uuid=debit.uuid), {"reason_code": "AC04"}
    )
    debit.refresh_from_db()
    assert debit.state == DebitState.REJECTED and debit.reject_reason == "AC04"
    assert (
        "Compte clôturé"
        in client.get(curl(cde11, "backoffice:directdebit_batch", period_uuid=period.uuid)).content.decode()
    )


def test_the_agent_imports_a_return_file(client, curl, cde11, batch, agent_cde11):
    debit = batch.debits.get()
    content = (
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.03"><CstmrPmtStsRpt><OrgnlPmtInfAndSts>'
        f"<TxInfAndSts><OrgnlEndToEndId>{debit.end_to_end_id}</OrgnlEndToEndId><TxSts>RJCT</TxSts>"
        "<StsRsnInf><Rsn><Cd>AM04</Cd></Rsn></StsRsnInf></TxInfAndSts></OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>"
    ).encode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(agent_cde11)
    page = client.post(
        curl(cde11, "backoffice:directdebit_returns"),
        {"file": SimpleUploadedFile("retour.xml", content, "text/xml")},
    ).content.decode()
    assert "rejet enregistré" in page
    bad = client.post(
        curl(cde11, "backoffice:directdebit_returns"),
        {"file": SimpleUploadedFile("retour.xml", b"<x/>", "text/xml")},
    ).content.decode()
    assert "pain.002" in bad


def test_the_full_iban_is_for_managers_and_each_view_is_logged(
    client, curl, cde11, mandate, agent_cde11, manager_cde11
):
    client.force_login(agent_cde11)
    page = client.get(
        curl(cde11, "backoffice:directdebit_mandate", mandate_uuid=mandate.uuid)
    ).content.decode()
    assert "FR14 •••• •••• 2606" in page and "FR14 2004" not in page
    assert (
        client.get(curl(cde11, "backoffice:directdebit_mandate_iban", mandate_uuid=mandate.uuid)).status_code
        == 403
    )
    client.force_login(manager_cde11)
    page = client.get(
        curl(cde11, "backoffice:directdebit_mandate_iban", mandate_uuid=mandate.uuid)
    ).content.decode()
    assert "FR14 2004 1010 0505 0001 3M02 606" in page
    log = AccessLog.objects.get(kind="iban")
    assert log.agent == manager_cde11 and log.household_id == mandate.household_id


def test_the_manager_saves_the_settings_with_errors_next_to_the_fields(
    client, curl, cde11, manager_cde11, agent_cde11
):
    client.force_login(agent_cde11)
    assert client.get(curl(cde11, "backoffice:directdebit_settings")).status_code == 403
    client.force_login(manager_cde11)
    data = {
        "creditor_name": "Caisse des écoles Paris 11e",
        "creditor_id": "FR73ZZZ123456",
        "iban": "FR7630006000011234567890189",
        "bic": "AGRIFRPP",
        "debit_days_after_issue": 20,
        "prenotification_days": 14,
        "route": "pes",
        "pain_version": "pain.008.001.02",
        "is_active": "on",
    }
    page = client.post(curl(cde11, "backoffice:directdebit_settings"), data).content.decode()
    assert "La clé de cet ICS est incorrecte" in page and 'value="FR73ZZZ123456"' in page
    response = client.post(
        curl(cde11, "backoffice:directdebit_settings"), data | {"creditor_id": "FR72ZZZ123456"}
    )
    assert response.status_code == 302
    assert cde11.sepa_settings.route == "pes"


AGENT_VIEWS = [
    ("backoffice:directdebit_home", {}),
    ("backoffice:directdebit_mandate", {"mandate_uuid": "mandate"}),
    ("backoffice:directdebit_batch", {"period_uuid": "period"}),
    ("backoffice:directdebit_batch_file", {"period_uuid": "period"}),
    ("backoffice:directdebit_returns", {}),
]


def _kwargs(kwargs, batch):
    values = {"mandate": batch.debits.get().mandate.uuid, "period": batch.period.uuid}
    return {name: values[value] for name, value in kwargs.items()}


@pytest.mark.parametrize(("name", "kwargs"), AGENT_VIEWS)
def test_agent_views_are_closed_to_another_caisse_a_parent_and_anonymous(
    client, curl, cde11, cde19, batch, agent_cde19, parent_a, agent_cde11, name, kwargs
):
    url = curl(cde11, name, **_kwargs(kwargs, batch))
    client.force_login(agent_cde11)
    assert client.get(url).status_code == 200
    client.force_login(agent_cde19)
    assert client.get(url).status_code == 404
    own = client.get(curl(cde19, name, **_kwargs(kwargs, batch)))
    if kwargs:
        assert own.status_code == 404
    else:  # their own Caisse's page, without anything of cde11
        assert own.status_code == 200 and batch.debits.get().mandate.reference not in own.content.decode()
    client.force_login(parent_a)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_agent_actions_of_another_caisse_change_nothing(
    client, curl, cde11, cde19, batch, agent_cde19, manager_cde19
):
    debit = batch.debits.get()
    client.force_login(manager_cde19)
    assert (
        client.get(
            curl(cde19, "backoffice:directdebit_mandate_iban", mandate_uuid=debit.mandate.uuid)
        ).status_code
        == 404
    )
    assert (
        client.post(
            curl(cde19, "backoffice:directdebit_debit_reject", debit_uuid=debit.uuid), {"reason_code": "AC04"}
        ).status_code
        == 404
    )
    assert (
        client.post(
            curl(cde19, "backoffice:directdebit_mandate_revoke", mandate_uuid=debit.mandate.uuid),
            {"reason": "x"},
        ).status_code
        == 404
    )
    debit.refresh_from_db()
    assert debit.state == DebitState.SENT and debit.mandate.state == MandateState.ACTIVE
    assert not AccessLog.objects.filter(kind="iban").exists()
    assert batch.total == Decimal("42.00")
