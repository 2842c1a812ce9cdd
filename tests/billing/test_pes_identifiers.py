"""The Caisse's accounting identifiers: entered and checked in the back office profile, required by
the PES V2 exports of the « Exports comptables » screen, which gives the command's bytes."""

import pytest
from django.core.management import call_command

from refectoire.caisses.accounting import luhn_valid, pes_missing_identifiers
from tests.billing.pes import IDENTIFIERS, assert_official, ready_for_pes
from tests.billing.test_pdf_and_exports import issued_period

pytestmark = pytest.mark.django_db

PROFILE = {
    "name": "Caisse des écoles Paris 11e",
    "logo_text": "caisse\ndes écoles",
    "accent_colour": "#6a1b9a",
    "contact_email": "dossier@cdeparis11.fr",
}


def test_luhn_key_of_a_siret():
    assert luhn_valid("26751105900011")
    assert not luhn_valid("26751105900012")
    assert luhn_valid("73282932000074")  # a SIRET published in the INSEE's examples


def test_the_manager_enters_the_identifiers_and_they_are_kept_with_history(
    client, curl, cde11, manager_cde11
):
    client.force_login(manager_cde11)
    data = {**PROFILE, **IDENTIFIERS, "siret": "267 511 059 00011", "pes_product_code": "rest"}
    response = client.post(curl(cde11, "backoffice:caisse_profile"), data)
    assert response.status_code == 302
    cde11.refresh_from_db()
    assert (cde11.siret, cde11.pes_id_post, cde11.pes_cod_col, cde11.pes_nature, cde11.pes_product_code) == (
        "26751105900011",
        "075011",
        "311",
        "7067",
        "REST",
    )
    assert pes_missing_identifiers(cde11) == []
    assert cde11.history.first().history_user == manager_cde11
    page = client.get(curl(cde11, "backoffice:caisse_profile")).content.decode()
    assert "Identifiants comptables (exports PES V2)" in page and 'value="26751105900011"' in page


def test_wrong_identifiers_are_said_next_to_their_field_and_nothing_is_saved(
    client, curl, cde11, manager_cde11
):
    client.force_login(manager_cde11)
    data = {
        **PROFILE,
        **IDENTIFIERS,
        "siret": "26751105900012",
        "pes_cod_col": "000",
        "pes_id_post": "7501",
        "pes_cod_bud": "1",
        "pes_nature": "07067",
        "pes_product_code": "RESTAU",
    }
    response = client.post(curl(cde11, "backoffice:caisse_profile"), data)
    assert response.status_code == 200
    page = response.content.decode()
    for message in (
        "Ce SIRET n&#x27;est pas valide (sa clé de contrôle ne correspond pas) : vérifiez-le.",
        "Un code fait uniquement de zéros n&#x27;est pas accepté par le comptable.",
        "Le codique du poste comptable compte 6 ou 7 chiffres",
        "Le code budget compte 2 caractères",
        "Le compte de nature compte de 1 à 12 chiffres, sans zéro au début.",
        "Assurez-vous que cette valeur comporte au plus 4 caractères",
    ):
        assert message in page, message
    assert 'value="26751105900012"' in page  # what was typed is kept
    cde11.refresh_from_db()
    assert cde11.siret == "" and pes_missing_identifiers(cde11)


def test_the_screen_warns_and_refuses_while_an_identifier_is_missing(client, curl, cde11, manager_cde11):
    period, _invoice = issued_period(cde11)
    client.force_login(manager_cde11)
    page = client.get(curl(cde11, "backoffice:billing_exports")).content.decode()
    assert "Export PES impossible : renseignez d&#x27;abord dans le profil de la Caisse" in page
    assert curl(cde11, "backoffice:caisse_profile") in page
    response = client.get(
        curl(cde11, "backoffice:billing_export", period_uuid=period.uuid, fmt="pes"), follow=True
    )
    assert "Content-Disposition" not in response
    assert "codique du poste comptable, SIRET, code collectivité, code budget" in response.content.decode()
    response = client.get(
        curl(cde11, "backoffice:billing_exports"),
        {"issued_from": "2027-06-01", "issued_to": "2027-06-30", "fmt": "pes"},
    )
    assert "Content-Disposition" not in response
    assert "identifiants comptables manquants" in response.content.decode()


def test_the_screen_gives_the_bytes_of_the_command(client, curl, capsys, cde11, agent_cde11):
    period, _invoice = issued_period(ready_for_pes(cde11))
    client.force_login(agent_cde11)
    response = client.get(curl(cde11, "backoffice:billing_export", period_uuid=period.uuid, fmt="pes"))
    assert response["Content-Disposition"] == 'attachment; filename="PESORMC-cde11-2027-03.xml"'
    call_command("export_invoices", "--caisse", "cde11", "--period", "2027-03", "--format", "pes")
    assert response.content == capsys.readouterr().out.encode()
    assert_official(response.content)
    page = client.get(curl(cde11, "backoffice:billing_exports")).content.decode()
    assert "Export PES impossible" not in page


def test_another_caisse_gets_404_on_a_period_export(client, curl, cde11, cde19, agent_cde19):
    period, _invoice = issued_period(ready_for_pes(cde11))
    ready_for_pes(cde19)
    client.force_login(agent_cde19)
    url = "backoffice:billing_export"
    assert client.get(curl(cde19, url, period_uuid=period.uuid, fmt="pes")).status_code == 404
    assert client.get(curl(cde11, url, period_uuid=period.uuid, fmt="pes")).status_code in (403, 404)
