"""« Télécharger mes données »: built by the worker, valid against its JSON Schema, e-mailed to
its owner (SMTP fake), downloaded once, by its owner only, deleted after 7 days."""

import datetime
import io
import json
import re
import zipfile
from pathlib import Path

import jsonschema
import pytest
from django.utils import timezone

from refectoire.privacy.enums import ExportState
from refectoire.privacy.models import DataExport
from refectoire.privacy.services import data_exports_expire
from tests.fakes.smtp import FakeSMTPServer
from tests.privacy.builders import build_household
from tests.requests.factories import stored_document

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[2] / "docs/schemas/data-export.schema.json").read_text()
)


def ask_export(client, curl, caisse, capture):
    with capture(execute=True):
        response = client.post(curl(caisse, "portal:privacy_export_request"))
    assert response.status_code == 302
    return DataExport.objects.latest("created_at")


def zip_of(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


@pytest.mark.django_db
def test_export_is_built_emailed_and_downloaded_once_by_its_owner(
    client, curl, cde11, parent_a, household_a, django_capture_on_commit_callbacks, mail_through_worker
):
    stored_document(household_a)
    client.force_login(parent_a)
    export = ask_export(client, curl, cde11, django_capture_on_commit_callbacks)
    assert export.state == ExportState.READY and export.progress == 100
    assert export.expires_at - export.ready_at == datetime.timedelta(days=7)

    # The e-mail goes to the owner alone, with the link.
    assert [recipients for _from, recipients in mail_through_worker.envelopes] == [[parent_a.email]]
    text = FakeSMTPServer.text_of(mail_through_worker.messages[0])
    link = re.search(r"https?://\S+", text).group(0)
    path = curl(cde11, "portal:privacy_export_download", export_uuid=export.uuid)
    assert link.endswith(path)

    page = client.get(curl(cde11, "portal:privacy"))
    assert "Télécharger mes données (ZIP)" in page.content.decode()

    response = client.get(path)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zip_of(response)
    names = archive.namelist()
    assert names[0] == "donnees.json"
    assert any(name.startswith("documents/") and name.endswith(".pdf") for name in names)
    document = json.loads(archive.read("donnees.json"))
    jsonschema.validate(document, SCHEMA)
    assert document["sections"]["account"]["users"][0]["email"] == parent_a.email

    # Works once.
    again = client.get(path)
    assert again.status_code == 302
    export.refresh_from_db()
    assert export.state == ExportState.DOWNLOADED
    # The hourly job deletes the file.
    name = export.file.name
    with django_capture_on_commit_callbacks(execute=True):
        assert data_exports_expire() == 1
    export.refresh_from_db()
    assert export.state == ExportState.EXPIRED and not export.file
    assert not DataExport._meta.get_field("file").storage.exists(name)


@pytest.mark.django_db
def test_export_with_every_kind_of_record_matches_the_schema(
    client, curl, cde11, django_capture_on_commit_callbacks
):
    built = build_household(cde11, "QxEXPORTSCHEMA", years_ago=1)
    owner = built.household.guardians.get(role="primary").user
    client.force_login(owner)
    export = ask_export(client, curl, cde11, django_capture_on_commit_callbacks)
    assert export.state == ExportState.READY
    archive = zip_of(client.get(curl(cde11, "portal:privacy_export_download", export_uuid=export.uuid)))
    document = json.loads(archive.read("donnees.json"))
    jsonschema.validate(document, SCHEMA)
    sections = document["sections"]
    assert sections["invoices"][0]["lines"][0]["amount"] == "42.00"
    assert sections["tariffs"]["tariff_requests"][0]["declared_qf"] == "1234.56"
    assert sections["requests"][0]["messages"][0]["message"] == "Bonjour, je suis PrenomQxEXPORTSCHEMA"
    assert sections["stays"]["profiles"][0]["emergency_contact_1_name"] == "UrgenceQxEXPORTSCHEMA"
    assert any(name.startswith("factures/") for name in archive.namelist())


@pytest.mark.django_db
def test_export_link_is_the_owners_only(
    client, curl, cde11, parent_a, parent_b, household_a, household_b, django_capture_on_commit_callbacks
):
    client.force_login(parent_a)
    export = ask_export(client, curl, cde11, django_capture_on_commit_callbacks)
    path = curl(cde11, "portal:privacy_export_download", export_uuid=export.uuid)
    client.force_login(parent_b)  # another family of the same Caisse
    assert client.get(path).status_code == 404
    client.logout()
    assert client.get(path).status_code == 302  # to the login page
    export.refresh_from_db()
    assert export.state == ExportState.READY


@pytest.mark.django_db
def test_export_of_another_caisse_is_not_found(
    client,
    curl,
    cde11,
    cde19,
    parent_a,
    household_a,
    parent_19,
    household_19,
    django_capture_on_commit_callbacks,
):
    client.force_login(parent_a)
    export = ask_export(client, curl, cde11, django_capture_on_commit_callbacks)
    client.force_login(parent_19)
    assert (
        client.get(curl(cde19, "portal:privacy_export_download", export_uuid=export.uuid)).status_code == 404
    )
    assert (
        client.get(curl(cde11, "portal:privacy_export_download", export_uuid=export.uuid)).status_code == 404
    )


@pytest.mark.django_db
def test_an_unused_link_expires_after_seven_days(
    client, curl, cde11, parent_a, household_a, django_capture_on_commit_callbacks
):
    client.force_login(parent_a)
    export = ask_export(client, curl, cde11, django_capture_on_commit_callbacks)
    assert data_exports_expire(now=timezone.now() + datetime.timedelta(days=6)) == 0
    assert data_exports_expire(now=timezone.now() + datetime.timedelta(days=7, seconds=1)) == 1
    response = client.get(curl(cde11, "portal:privacy_export_download", export_uuid=export.uuid))
    assert response.status_code == 302


@pytest.mark.django_db
def test_export_status_is_read_by_the_live_region(client, curl, cde11, parent_a, household_a):
    client.force_login(parent_a)
    DataExport.objects.create(caisse=cde11, household=household_a, owner=parent_a, progress=40)
    page = client.get(curl(cde11, "portal:privacy")).content.decode()
    assert 'role="status"' in page and 'data-polling="on"' in page
    status = client.get(curl(cde11, "portal:privacy_export_status")).content.decode()
    assert 'value="40"' in status
