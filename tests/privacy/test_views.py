"""The family's erasure request, the public notice, and the agents' screens (settings, households
due, holds, erasure decisions, access log), each with its isolation test."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from refectoire.accounts.access_log import access_log_record
from refectoire.accounts.models import AccessLog
from refectoire.households.models import Household
from refectoire.privacy.enums import ErasureState
from refectoire.privacy.models import Anonymisation, AnonymisationHold, ErasureRequest, PrivacySettings
from refectoire.privacy.services import erasure_request_create
from tests.billing.factories import InvoiceFactory
from tests.privacy.builders import build_household

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- family


def test_parent_asks_to_close_the_account_and_sees_the_reasons_it_may_be_refused(
    client, curl, cde11, parent_a, household_a
):
    InvoiceFactory(caisse=cde11, household=household_a, issued=True)
    client.force_login(parent_a)
    page = client.get(curl(cde11, "portal:privacy")).content.decode()
    assert "1 facture non réglée aujourd&#x27;hui." in page or "1 facture non réglée aujourd'hui." in page
    assert "10 ans" in page
    response = client.post(curl(cde11, "portal:privacy_erasure_request"), {"message": "Nous déménageons."})
    assert response.status_code == 302
    erasure = ErasureRequest.objects.get(household=household_a)
    assert erasure.state == ErasureState.SUBMITTED and erasure.message == "Nous déménageons."
    # Twice: the message says so, next to the form, nothing written.
    again = client.post(curl(cde11, "portal:privacy_erasure_request"), {"message": "Encore"})
    assert again.status_code == 302 or "déjà en cours" in again.content.decode()
    assert ErasureRequest.objects.filter(household=household_a).count() == 1
    client.post(curl(cde11, "portal:privacy_erasure_cancel"))
    erasure.refresh_from_db()
    assert erasure.state == ErasureState.CANCELLED


def test_privacy_pages_need_a_household_of_this_caisse(
    client, curl, cde11, cde19, parent_19, household_19, household_a
):
    assert client.get(curl(cde11, "portal:privacy")).status_code == 302  # anonymous: to the login page
    client.force_login(parent_19)  # a parent of another Caisse
    page = client.get(curl(cde11, "portal:privacy"))
    assert "Mes données" not in page.content.decode() or page.status_code == 200
    client.post(curl(cde11, "portal:privacy_erasure_request"), {"message": ""})
    assert not ErasureRequest.objects.exists()
    client.post(curl(cde11, "portal:privacy_export_request"))
    from refectoire.privacy.models import DataExport  # noqa: I001  (reason: read after the posts)

    assert not DataExport.objects.exists()


def test_public_notice_shows_the_default_text_the_dpo_and_the_cnil(client, curl, cde11, cde19):
    PrivacySettings.objects.create(
        caisse=cde11, dpo_name="Claire Dupuis", dpo_email="dpo@cde11.fr", inactive_years=3
    )
    page = client.get(curl(cde11, "public:privacy_notice")).content.decode()
    assert "dpo@cde11.fr" in page and "3 ans après la dernière activité" in page
    assert "3 place de Fontenoy" in page and "Base légale" in page
    other = client.get(curl(cde19, "public:privacy_notice")).content.decode()
    assert "dpo@cde11.fr" not in other and "2 ans après la dernière activité" in other
    assert curl(cde19, "public:privacy_notice") in client.get(curl(cde19, "public:welcome")).content.decode()
    PrivacySettings.objects.filter(caisse=cde11).update(notice_text="Notre texte à nous.")
    page = client.get(curl(cde11, "public:privacy_notice")).content.decode()
    assert "Notre texte à nous." in page and "Base légale" not in page and "3 place de Fontenoy" in page


# ---------------------------------------------------------------- agents


def test_privacy_settings_are_the_managers_and_keep_lawful_bounds(
    client, curl, cde11, manager_cde11, agent_cde11, manager_cde19, parent_a
):
    url = curl(cde11, "backoffice:privacy_settings")
    assert client.get(url).status_code == 302
    client.force_login(parent_a)
    assert client.get(url).status_code == 404
    client.force_login(manager_cde19)
    assert client.get(url).status_code == 404
    client.force_login(agent_cde11)
    assert client.get(url).status_code == 403
    client.force_login(manager_cde11)
    data = {
        "dpo_name": "Claire",
        "dpo_email": "dpo@cde11.fr",
        "dpo_address": "",
        "inactive_years": "2",
        "accounting_years": "5",
        "access_log_days": "365",
        "notice_text": "",
    }
    response = client.post(url, data)
    assert response.status_code == 200 and "supérieure ou égale à 10" in response.content.decode()
    assert not PrivacySettings.objects.exists()
    response = client.post(url, {**data, "accounting_years": "10"})
    assert response.status_code == 302
    assert PrivacySettings.objects.get(caisse=cde11).dpo_email == "dpo@cde11.fr"
    assert url in client.get(curl(cde11, "backoffice:caisse_profile")).content.decode()


def test_agents_see_households_due_and_hold_one(client, curl, cde11, cde19, agent_cde11, agent_cde19):
    built = build_household(cde11, "QxDUEHOUSEHOLD")
    household = built.household
    url = curl(cde11, "backoffice:privacy_due")
    client.force_login(agent_cde19)
    assert client.get(url).status_code == 404
    assert (
        client.post(
            curl(cde19, "backoffice:privacy_hold", household_uuid=household.uuid), {"reason": "x"}
        ).status_code
        == 404
    )
    client.force_login(agent_cde11)
    assert household.reference in client.get(url).content.decode()
    client.post(
        curl(cde11, "backoffice:privacy_hold", household_uuid=household.uuid),
        {"reason": "Dette en recouvrement"},
    )
    hold = AnonymisationHold.objects.get(household=household)
    assert "Dette en recouvrement" in client.get(url).content.decode()

    out = io.StringIO()
    call_command("purge_personal_data", "--caisse", "cde11", stdout=out)
    assert "held\t1" in out.getvalue() and not Anonymisation.objects.exists()

    client.post(curl(cde11, "backoffice:privacy_hold_lift", hold_uuid=hold.uuid))
    out = io.StringIO()
    call_command("purge_personal_data", "--caisse", "cde11", "--dry-run", stdout=out)
    assert "households\t1\tà anonymiser" in out.getvalue() and "children\t1" in out.getvalue()
    assert not Anonymisation.objects.exists()
    assert household.guardians.get(role="primary").first_name == "PrenomQxDUEHOUSEHOLD"

    call_command("purge_personal_data", "--caisse", "cde11", stdout=io.StringIO())
    assert Anonymisation.objects.get().household_id == household.pk
    assert household.guardians.get(role="primary").first_name == "Anonyme"


def test_purge_keeps_active_households_and_trims_the_access_log(cde11, household_a, agent_cde11):
    old = access_log_record(
        caisse=cde11, agent=agent_cde11, kind="household", object_id="x", household_id=household_a.pk
    )
    AccessLog.objects.filter(pk=old.pk).update(at=timezone.now() - datetime.timedelta(days=366))
    access_log_record(
        caisse=cde11, agent=agent_cde11, kind="household", object_id="y", household_id=household_a.pk
    )
    out = io.StringIO()
    call_command("purge_personal_data", "--caisse", "cde11", stdout=out)
    assert "households\t0" in out.getvalue() and "access_log\t1" in out.getvalue()
    assert AccessLog.objects.count() == 1
    assert Household.objects.get(pk=household_a.pk).guardians.first().first_name != "Anonyme"


def test_agent_accepts_an_erasure_request_and_the_household_is_anonymised(
    client, curl, cde11, cde19, agent_cde11, agent_cde19, parent_a, household_a
):
    erasure = erasure_request_create(household=household_a, user=parent_a, message="Merci")
    url = curl(cde11, "backoffice:privacy_erasure", erasure_uuid=erasure.uuid)
    client.force_login(parent_a)
    assert client.get(url).status_code == 404
    client.force_login(agent_cde19)
    assert client.get(curl(cde19, "backoffice:privacy_erasure", erasure_uuid=erasure.uuid)).status_code == 404
    client.force_login(agent_cde11)
    assert household_a.reference in client.get(curl(cde11, "backoffice:privacy_erasures")).content.decode()
    response = client.post(url, {"decision": "refuse", "decision_message": ""})
    assert "pourquoi sa demande est refusée" in response.content.decode()
    response = client.post(url, {"decision": "accept", "decision_message": ""})
    assert response.status_code == 302
    erasure.refresh_from_db()
    assert erasure.state == ErasureState.ACCEPTED
    parent_a.refresh_from_db()
    assert not parent_a.is_active and parent_a.email.endswith(".invalid") and parent_a.first_name == "Anonyme"
    assert not household_a.guardians.filter(user__isnull=False).exists()
    # The page was shown once (again, with the refusal's missing reason); the acceptance redirects.
    assert AccessLog.objects.filter(household_id=household_a.pk, kind="household").count() == 1


def test_access_log_is_written_read_and_exported_per_family_and_per_agent(
    client, curl, cde11, agent_cde11, manager_cde11, manager_cde19, household_a, household_b
):
    client.force_login(agent_cde11)
    client.get(curl(cde11, "backoffice:household_detail", household_uuid=household_a.uuid))
    client.get(curl(cde11, "backoffice:household_detail", household_uuid=household_b.uuid))
    assert (
        AccessLog.objects.filter(
            household_id=household_a.pk, agent=agent_cde11, screen="backoffice:household_detail"
        ).count()
        == 1
    )
    log_url = curl(cde11, "backoffice:access_log")
    assert client.get(log_url).status_code == 403  # an agent does not read the log
    client.force_login(manager_cde19)
    assert client.get(log_url).status_code == 404
    assert client.get(curl(cde11, "backoffice:access_log_csv")).status_code == 404
    client.force_login(manager_cde11)
    page = client.get(log_url, {"household": household_a.reference}).content.decode()
    assert "Dossier famille" in page
    csv = client.get(curl(cde11, "backoffice:access_log_csv"), {"household": household_a.reference})
    text = csv.content.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0] == "date;heure;agent;consultation;objet;foyer;ecran"
    assert len(lines) == 2 and household_a.reference in lines[1] and str(household_a.uuid) in lines[1]
    per_agent = client.get(curl(cde11, "backoffice:access_log_csv"), {"agent": agent_cde11.email})
    assert len(per_agent.content.decode("utf-8-sig").strip().splitlines()) == 3
