"""The parent's tariff screens: the request with its proofs, the CAF's quotient, isolation."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from refectoire.documents.models import Document
from refectoire.pricing import services
from refectoire.pricing.enums import IncomeSource, TariffRequestState
from refectoire.pricing.models import PricingSettings, TariffRequest
from refectoire.pricing.quotient import Declaration
from tests.pricing.factories import household_of, paris_grid, pdf_bytes, png_bytes, upload
from tests.pricing.fake_api_particulier import FakeApiParticulier

pytestmark = pytest.mark.django_db

FORM = {
    "situation": "couple",
    "children_count": "2",
    "disabled_children_count": "0",
    "income_source": "monthly",
    "monthly_resources": "3200",
    "monthly_benefits": "0",
}


@pytest.fixture
def year(cde11):
    return paris_grid(cde11).school_year


@pytest.fixture
def household(cde11, parent_a):
    return household_of(parent_a, cde11, children=2)


def send(client, curl, year, proof=None, **changes):
    data = {**FORM, "action": "send", **changes}
    if proof is not False:
        data["proof_1"] = proof or upload()
    return client.post(curl(year.caisse, "portal:tariff_request", year_uuid=year.uuid), data)


def test_the_form_explains_that_without_proof_tarif_10_applies(client, curl, year, household, parent_a):
    client.force_login(parent_a)
    page = client.get(curl(year.caisse, "portal:tariff_request", year_uuid=year.uuid)).content.decode()
    assert "Demande de tarif dégressif 2026-2027" in page
    assert "le tarif 10 soit 7,00 euros le repas" in page
    assert "Récupérer mon quotient familial" not in page  # no API Particulier token


def test_the_estimate_shows_before_sending_and_nothing_is_stored(client, curl, year, household, parent_a):
    client.force_login(parent_a)
    response = client.post(
        curl(year.caisse, "portal:tariff_request", year_uuid=year.uuid), {**FORM, "action": "estimate"}
    )
    page = response.content.decode()
    assert "Tarif estimé : tarif 5" in page
    assert 'value="3200"' in page
    assert not TariffRequest.objects.exists()


def test_a_summary_of_the_answers_comes_before_sending_with_only_the_chosen_income_section(
    client, curl, year, household, parent_a
):
    client.force_login(parent_a)
    response = client.post(
        curl(year.caisse, "portal:tariff_request", year_uuid=year.uuid),
        {**FORM, "reference_tax_income": "41000", "action": "estimate"},
    )
    summary = dict(response.context["summary"])
    assert "ressources mensuelles" in summary["Vos ressources"]
    assert "3\xa0200,00\xa0€" in summary.values()
    assert not any("imposition" in label.lower() or "fiscal" in label.lower() for label in summary)
    page = response.content.decode()
    assert "Récapitulatif avant envoi" in page
    # Each income section is its own block, revealed one at a time by the script (all without it).
    for source in ["caf", "tax", "monthly"]:
        assert f'data-income-section="{source}"' in page
    assert "js/income-sections.js" in page


def test_a_parent_sends_the_request_with_a_proof(client, curl, year, household, parent_a):
    client.force_login(parent_a)
    response = send(client, curl, year)
    assert response.status_code == 302
    request = TariffRequest.objects.get()
    assert (request.household, request.state, request.estimated_bracket) == (
        household,
        TariffRequestState.SENT,
        5,
    )
    page = client.get(response["Location"]).content.decode()
    assert "Envoyée" in page and "Tarif 5" in page
    document = request.proofs.get()
    proof = client.get(
        curl(year.caisse, "portal:tariff_proof", request_uuid=request.uuid, document_uuid=document.uuid)
    )
    assert proof.status_code == 200
    assert proof["Content-Type"] == "application/pdf"
    assert b"".join(proof.streaming_content) == document.file.open("rb").read()
    document.file.close()


def test_sending_without_proof_is_refused_with_the_values_kept(client, curl, year, household, parent_a):
    client.force_login(parent_a)
    page = send(client, curl, year, proof=False).content.decode()
    assert "Joignez un justificatif de ressources." in page
    assert 'value="3200"' in page
    assert not TariffRequest.objects.exists()


def encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes())))
    writer.encrypt("secret")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("avis.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "Formats acceptés"),
        ("avis.pdf", "encrypted", "protégé par un mot de passe"),
        ("avis.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ntrailer garbage", "endommagé"),
        ("avis.pdf", b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024), "dépasse 10 Mo"),
        ("avis.pdf", b"", "vide"),
    ],
    ids=["renamed-exe", "encrypted-pdf", "broken-pdf", "11-mb", "empty"],
)
def test_bad_proofs_are_refused_with_a_message_and_nothing_is_stored(
    client, curl, year, household, parent_a, name, content, message
):
    client.force_login(parent_a)
    content = encrypted_pdf() if content == "encrypted" else content
    response = send(
        client, curl, year, proof=SimpleUploadedFile(name, content, content_type="application/pdf")
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert 'value="3200"' in page
    assert not TariffRequest.objects.exists()
    assert not Document.objects.exists()


def test_an_image_proof_is_accepted(client, curl, year, household, parent_a):
    client.force_login(parent_a)
    send(client, curl, year, proof=SimpleUploadedFile("avis.png", png_bytes(), content_type="image/png"))
    assert TariffRequest.objects.get().proofs.get().content_type == "image/png"


def test_the_request_is_made_once_per_year(client, curl, year, household, parent_a):
    client.force_login(parent_a)
    send(client, curl, year)
    response = client.get(curl(year.caisse, "portal:tariff_request", year_uuid=year.uuid))
    assert response.status_code == 302
    send(client, curl, year)
    assert TariffRequest.objects.count() == 1


def test_the_tile_page_shows_the_decision(client, curl, year, household, parent_a, agent_cde11):
    client.force_login(parent_a)
    send(client, curl, year)
    request = TariffRequest.objects.get()
    services.tariff_request_decide(
        request=request, agent=agent_cde11, bracket_number=4, family_quotient=Decimal("812")
    )
    page = client.get(curl(year.caisse, "portal:tariff", year_uuid=year.uuid)).content.decode()
    assert "Décidée" in page
    assert "Tarif 4 : 2,28\xa0€ par repas" in page
    index = client.get(curl(year.caisse, "portal:tariff_index")).content.decode()
    assert "Tarif 2026-2027" in index and "Tarif 4" in index


def test_a_request_to_complete_is_sent_again_with_its_values_kept(
    client, curl, year, household, parent_a, agent_cde11
):
    client.force_login(parent_a)
    send(client, curl, year)
    request = TariffRequest.objects.get()
    services.tariff_request_ask_complement(request=request, agent=agent_cde11, message="Avis 2025 attendu.")
    url = curl(year.caisse, "portal:tariff_complete", request_uuid=request.uuid)
    page = client.get(url).content.decode()
    assert "Avis 2025 attendu." in page and 'value="3200,00"' in page
    response = client.post(url, {**FORM, "monthly_resources": "2900", "action": "send"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.state, request.monthly_resources) == (TariffRequestState.SENT, Decimal("2900.00"))


def test_an_unvalidated_household_cannot_ask(client, curl, year, household, parent_a):
    household.state = "submitted"
    household.save()
    client.force_login(parent_a)
    assert send(client, curl, year).status_code == 404
    assert "en attente de validation" in client.get(curl(year.caisse, "portal:tariff_index")).content.decode()


# --- API Particulier ------------------------------------------------------------------------------


@pytest.fixture
def fake_api():
    with FakeApiParticulier() as fake:
        yield fake


@pytest.fixture
def api_on(cde11, fake_api):
    from tests.pricing.fake_api_particulier import TOKEN

    PricingSettings.objects.update_or_create(
        caisse=cde11,
        defaults={
            "api_particulier_url": fake_api.url,
            "api_particulier_token": TOKEN,
            "api_particulier_version": "v3",
            "api_particulier_recipient": "21750001600019",
        },
    )
    return fake_api


IDENTITY = {
    "consent": "on",
    "birth_name": "LOVINFOSSE",
    "first_names": "Allison",
    "sex": "F",
    "birth_date": "1985-05-17",
    "birth_country_code": "99100",
    "birth_town_code": "75111",
}


def test_the_caf_quotient_is_fetched_shown_and_confirmed(client, curl, year, household, parent_a, api_on):
    client.force_login(parent_a)
    form_page = client.get(curl(year.caisse, "portal:tariff_request", year_uuid=year.uuid)).content.decode()
    assert "Récupérer mon quotient familial auprès de la CAF" in form_page
    response = client.post(curl(year.caisse, "portal:tariff_caf", year_uuid=year.uuid), IDENTITY)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "1\xa0250,00\xa0€" in page
    assert "09/2026" in page and "ELIE" in page and "Ces informations sont correctes" in page
    client.post(response["Location"], {"answer": "yes"})
    request = TariffRequest.objects.get()
    assert request.income_source == IncomeSource.API_PARTICULIER
    assert (request.api_qf, request.api_month, request.api_year, request.api_confirmed) == (
        Decimal("1250.00"),
        9,
        2026,
        True,
    )
    assert (
        request.api_provider == "CNAF" and request.api_payload["data"]["quotient_familial"]["valeur"] == 1250
    )
    assert request.estimated_bracket == 5


def test_information_said_wrong_leads_to_the_upload(client, curl, year, household, parent_a, api_on):
    client.force_login(parent_a)
    confirm = client.post(curl(year.caisse, "portal:tariff_caf", year_uuid=year.uuid), IDENTITY)["Location"]
    response = client.post(confirm, {"answer": "no"}, follow=True)
    assert "joignez votre justificatif" in response.content.decode()
    assert not TariffRequest.objects.exists()


@pytest.mark.parametrize(
    ("mode", "message"),
    [("not_found", "ne connaissent pas de quotient familial"), ("rate_limited", "trop de demandes")],
)
def test_api_errors_give_a_clear_message_and_the_upload(
    client, curl, year, household, parent_a, api_on, mode, message
):
    api_on.mode = mode
    client.force_login(parent_a)
    response = client.post(curl(year.caisse, "portal:tariff_caf", year_uuid=year.uuid), IDENTITY, follow=True)
    page = response.content.decode()
    assert message in page
    assert "Justificatif de ressources" in page  # the upload form, the way on
    assert not TariffRequest.objects.exists()


def test_a_slow_caf_gives_a_clear_message(client, curl, year, household, parent_a, api_on, settings):
    settings.API_PARTICULIER_TIMEOUT = 0.2
    api_on.mode = "slow"
    api_on.delay = 2
    client.force_login(parent_a)
    response = client.post(curl(year.caisse, "portal:tariff_caf", year_uuid=year.uuid), IDENTITY, follow=True)
    assert "pas répondu à temps" in response.content.decode()
    assert not TariffRequest.objects.exists()


def test_without_consent_nothing_is_asked(client, curl, year, household, parent_a, api_on):
    client.force_login(parent_a)
    page = client.post(
        curl(year.caisse, "portal:tariff_caf", year_uuid=year.uuid), {**IDENTITY, "consent": ""}
    ).content.decode()
    assert "Ce champ est obligatoire." in page
    assert api_on.queries == []


# --- isolation -----------------------------------------------------------------------------------


@pytest.mark.parametrize("visitor", ["parent_b", "parent_of_cde19"])
def test_every_tariff_url_of_a_family_is_a_404_for_others(
    client, curl, request, cde11, cde19, year, household, parent_a, parent_b, visitor
):
    from tests.factories import UserFactory

    tariff_request = services.tariff_request_submit(
        household=household,
        school_year=year,
        user=parent_a,
        declaration=Declaration(income_source=IncomeSource.CAF_ATTESTATION, declared_qf=Decimal("800")),
        proofs=[upload()],
    )
    services.tariff_request_ask_complement(request=tariff_request, agent=None, message="Complément.")
    document = tariff_request.proofs.get()
    household_of(parent_b, cde11)
    other = UserFactory()
    paris_grid(cde19)
    household_of(other, cde19)
    client.force_login(parent_b if visitor == "parent_b" else other)
    urls = [
        curl(cde11, "portal:tariff_complete", request_uuid=tariff_request.uuid),
        curl(cde11, "portal:tariff_proof", request_uuid=tariff_request.uuid, document_uuid=document.uuid),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    if visitor == "parent_of_cde19":
        # the school year of cde11 does not exist in cde19
        for name in [
            "portal:tariff",
            "portal:tariff_request",
            "portal:tariff_caf",
            "portal:tariff_caf_confirm",
        ]:
            assert client.get(curl(cde19, name, year_uuid=year.uuid)).status_code == 404, name
        assert client.post(curl(cde19, "portal:tariff_caf_cancel", year_uuid=year.uuid)).status_code == 404
        # nor does a household of cde19's parent in cde11
        for name in ["portal:tariff", "portal:tariff_request"]:
            assert client.get(curl(cde11, name, year_uuid=year.uuid)).status_code == 404, name
    else:
        page = client.get(curl(cde11, "portal:tariff", year_uuid=year.uuid)).content.decode()
        assert "Complément." not in page and "Aucune demande" in page


def test_a_parent_without_household_gets_404_on_the_request(client, curl, year, parent_b):
    client.force_login(parent_b)
    assert client.get(curl(year.caisse, "portal:tariff", year_uuid=year.uuid)).status_code == 404
    assert client.get(curl(year.caisse, "portal:tariff_request", year_uuid=year.uuid)).status_code == 404


def test_anonymous_visitors_are_sent_to_the_login(client, curl, year):
    response = client.get(curl(year.caisse, "portal:tariff", year_uuid=year.uuid))
    assert response.status_code == 302 and "/compte/login/" in response["Location"]


def test_the_dashboard_shows_last_years_and_this_years_tariff_tiles_side_by_side(
    client, curl, cde11, year, household, parent_a
):
    last = paris_grid(cde11, "2025-2026").school_year
    services.tariff_decide_from_import(
        household=household, school_year=last, bracket=4, family_quotient="700"
    )
    client.force_login(parent_a)
    for name in ["portal:dashboard", "portal:family"]:
        response = client.get(curl(cde11, name))
        features = [tile.feature for tile in response.context["tiles"]]
        # The guide's order: … Changement de situation, Tarif 2025-2026, Restauration adulte, Tarif 2026-2027.
        assert features[:6] == [
            "inscription",
            "simulation",
            "situation",
            "tarif-precedent",
            "restauration-adulte",
            "tarif",
        ], name
        page = response.content.decode()
        assert "Tarif 2025-2026" in page and "Tarif 2026-2027" in page
        assert "Tarif 4 : 2,28\xa0€ par repas du 01/09/2025 au 03/07/2026." in page
        assert "Demande de tarif dégressif 2026-2027 à faire" in page
    past = client.get(curl(cde11, "portal:tariff", year_uuid=last.uuid)).content.decode()
    assert "Tarif 4 : 2,28\xa0€ par repas du 01/09/2025 au 03/07/2026." in past
    assert "Demande de tarif dégressif 2025-2026" not in past  # the year is over: nothing to ask


def test_another_familys_past_tariff_is_not_shown(client, curl, cde11, year, household, parent_b):
    last = paris_grid(cde11, "2025-2026").school_year
    services.tariff_decide_from_import(
        household=household, school_year=last, bracket=4, family_quotient="700"
    )
    household_of(parent_b, cde11, children=1)
    client.force_login(parent_b)
    page = client.get(curl(cde11, "portal:dashboard")).content.decode()
    assert "Tarif 2025-2026" in page and "Tarif 4 : 2,28\xa0€" not in page
    assert "Tarif 10 : 7,00\xa0€ par repas du 01/09/2025 au 03/07/2026" in page
