"""The parent's household screens: declare, send, the service key, "Ma famille", and nobody else's data."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from refectoire.documents.enums import DocumentKind
from refectoire.documents.services import document_store
from refectoire.households.enums import GuardianRole, HouseholdState
from refectoire.households.models import Household
from tests.factories import HouseholdFactory
from tests.households.factories import GuardianFactory, household_for
from tests.www.backoffice.test_household import PDF

pytestmark = pytest.mark.django_db

GUARDIAN_POST = {
    "civility": "m",
    "last_name": "Lovinfosse",
    "birth_name": "",
    "first_name": "Patrick",
    "birth_date": "1983-04-02",
    "street_number": "12",
    "street_name": "rue de la Roquette",
    "building": "",
    "apartment": "",
    "address_complement": "",
    "postcode": "75011",
    "city": "Paris",
    "country": "France",
    "home_phone": "",
    "mobile_phone": "",
    "email": "patrick@example.fr",
    "benefits_regime": "caf",
    "benefits_organisation": "CAF de Paris",
    "benefits_number": "1234567",
}
CHILD_POST = {"first_name": "Elie", "last_name": "Lovinfosse", "birth_date": "2017-09-02", "sex": "f"}


def test_the_declaration_page_offers_to_start_or_to_enter_a_key(client, cde11, parent_a, curl):
    client.force_login(parent_a)
    page = client.get(curl(cde11, "portal:household")).content.decode()
    assert "Déclarer mon entourage" in page
    assert "Votre famille est inconnue du service Enfance." in page


def test_a_parent_declares_the_household_and_sends_it(
    client, cde11, parent_a, curl, django_capture_on_commit_callbacks
):
    client.force_login(parent_a)
    client.post(curl(cde11, "portal:household"))
    household = Household.objects.for_user(parent_a, cde11).get()
    page = client.get(curl(cde11, "portal:household")).content.decode()
    assert (
        "Titulaire du compte" in page and "Ajouter un co-représentant" in page and "Ajouter un enfant" in page
    )
    assert "Je suis un parent isolé" in page
    assert 'class="refectoire-avatar' in page  # the holder is complete: an avatar with initials
    assert ">AL<" in page

    response = client.post(curl(cde11, "portal:household_co_guardian_add"), GUARDIAN_POST)
    assert response.status_code == 302
    response = client.post(curl(cde11, "portal:household_child_add"), CHILD_POST)
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        client.post(curl(cde11, "portal:household_submit"))
    household.refresh_from_db()
    assert household.state == HouseholdState.SUBMITTED
    assert mail.outbox[-1].to == ["allison@example.fr"]

    page = client.get(curl(cde11, "portal:household")).content.decode()
    assert "En attente de validation" in page
    assert household.submitted_at.astimezone().strftime("%d/%m/%Y") in page
    assert "Patrick" in page and "CAF de Paris" in page
    assert "Valider ma demande" not in page
    # Read-only: the forms are closed.
    guardian = household.guardians.get(role=GuardianRole.CO_GUARDIAN)
    client.post(
        curl(cde11, "portal:household_guardian_edit", guardian_uuid=guardian.uuid),
        {**GUARDIAN_POST, "first_name": "X"},
    )
    guardian.refresh_from_db()
    assert guardian.first_name == "Patrick"


@pytest.mark.parametrize(
    "field", ["civility", "last_name", "first_name", "street_name", "postcode", "city", "country"]
)
def test_each_required_representative_field_is_checked_and_the_values_kept(
    client, cde11, parent_a, curl, field
):
    client.force_login(parent_a)
    client.post(curl(cde11, "portal:household"))
    response = client.post(curl(cde11, "portal:household_co_guardian_add"), {**GUARDIAN_POST, field: ""})
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == [field]
    page = response.content.decode()
    assert "fr-input-group--error" in page
    assert 'value="CAF de Paris"' in page
    assert (
        not Household.objects.for_user(parent_a, cde11)
        .get()
        .guardians.filter(role=GuardianRole.CO_GUARDIAN)
        .exists()
    )


@pytest.mark.parametrize("field", ["first_name", "last_name", "birth_date", "sex"])
def test_each_required_child_field_is_checked(client, cde11, parent_a, curl, field):
    client.force_login(parent_a)
    client.post(curl(cde11, "portal:household"))
    response = client.post(curl(cde11, "portal:household_child_add"), {**CHILD_POST, field: ""})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]


def test_a_bad_birth_date_is_refused_next_to_the_field(client, cde11, parent_a, curl):
    client.force_login(parent_a)
    client.post(curl(cde11, "portal:household"))
    response = client.post(
        curl(cde11, "portal:household_child_add"), {**CHILD_POST, "birth_date": "31/02/2017"}
    )
    assert list(response.context["form"].errors) == ["birth_date"]


def test_the_required_fields_are_marked_with_a_star(client, cde11, parent_a, curl):
    client.force_login(parent_a)
    client.post(curl(cde11, "portal:household"))
    page = client.get(curl(cde11, "portal:household_co_guardian_add")).content.decode()
    for label in ["Civilité", "Nom d&#x27;usage", "Prénom", "Nom de la voie", "Code postal", "Ville", "Pays"]:
        assert f'{label}&nbsp;<span class="refectoire-required" aria-hidden="true">*</span>' in page, label
    assert "Nom de famille</label>" in page or "Nom de famille<" in page
    for label in [
        "Informations allocataire",
        "Membre allocataire",
        "Régime allocataire",
        "Organisme allocataire",
        "Numéro d&#x27;allocataire",
        "Téléphone domicile",
        "Téléphone portable",
        "Courriel",
        "Bâtiment",
        "Appartement",
        "Complément",
    ]:
        assert label in page, label


def test_effacer_clears_the_address_and_keeps_the_rest(client, cde11, parent_a, curl):
    client.force_login(parent_a)
    client.post(curl(cde11, "portal:household"))
    response = client.post(
        curl(cde11, "portal:household_co_guardian_add"), {**GUARDIAN_POST, "clear_address": "1"}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form["street_name"].value() == "" and form["postcode"].value() == ""
    assert form["first_name"].value() == "Patrick"


def test_the_co_representative_can_reuse_the_holders_address(client, cde11, parent_a, curl):
    client.force_login(parent_a)
    client.post(curl(cde11, "portal:household"))
    data = {**GUARDIAN_POST, "street_name": "", "postcode": "", "city": "", "same_address": "on"}
    assert client.post(curl(cde11, "portal:household_co_guardian_add"), data).status_code == 302
    co = Household.objects.for_user(parent_a, cde11).get().guardians.get(role=GuardianRole.CO_GUARDIAN)
    assert (co.street_name, co.postcode) == ("rue de la Roquette", "75011")


def test_the_service_key_links_the_account_from_the_profile(client, cde11, parent_a, curl):
    household = HouseholdFactory(caisse=cde11, state=HouseholdState.VALIDATED, service_key="ENF-ABCD-2345")
    GuardianFactory(household=household)
    client.force_login(parent_a)
    page = client.get(curl(cde11, "portal:household_profile")).content.decode()
    assert "Enfance" in page and "Clé" in page
    assert "Votre famille est inconnue du service Enfance." in page
    response = client.post(curl(cde11, "portal:household_profile"), {"key": "ENF-ABCD-2345"})
    assert response.status_code == 302 and response["Location"] == curl(cde11, "portal:family")
    assert Household.objects.for_user(parent_a, cde11).get() == household


def test_a_wrong_key_is_an_error_next_to_the_field_then_a_pause(client, cde11, parent_a, curl):
    client.force_login(parent_a)
    for _ in range(5):
        response = client.post(curl(cde11, "portal:household_profile"), {"key": "ENF-ZZZZ-9999"})
        assert "Cette clé est inconnue" in response.content.decode()
    response = client.post(curl(cde11, "portal:household_profile"), {"key": "ENF-ZZZZ-9999"})
    assert "Trop d&#x27;essais" in response.content.decode()


def test_the_validated_family_sees_ma_famille_and_the_tiles(client, cde11, parent_a, curl):
    household_for(parent_a, cde11, state=HouseholdState.VALIDATED, children=("Elie", "Hikari"))
    client.force_login(parent_a)
    for name in ["portal:dashboard", "portal:family"]:
        page = client.get(curl(cde11, name)).content.decode()
        for label in [
            "Inscription",
            "Tarif 20",
            "Simulation des tarifs",
            "Changement de situation",
            "Restauration adulte",
            "Absences",
            "Factures",
            "Mes demandes",
            "Messages",
        ]:
            assert label in page, (name, label)
    page = client.get(curl(cde11, "portal:family")).content.decode()
    assert "Elie" in page and "Hikari" in page and "Ajouter un membre" in page
    # Every tile leads to its page: none is left "bientôt disponible".
    tiles = client.get(curl(cde11, "portal:dashboard")).context["tiles"]
    assert len(tiles) == 13  # « Prélèvement automatique » only where the Caisse offers it
    for tile in tiles:
        assert tile.url.startswith("/cde11/"), tile
        assert client.get(tile.url).status_code == 200, tile
    assert "Bientôt disponible" not in page


def test_tiles_are_not_shown_before_validation(client, cde11, parent_a, curl):
    household_for(parent_a, cde11, state=HouseholdState.SUBMITTED)
    client.force_login(parent_a)
    page = client.get(curl(cde11, "portal:dashboard")).content.decode()
    assert "Restauration adulte" not in page and "En attente de validation" in page
    assert client.get(curl(cde11, "portal:family"))["Location"] == curl(cde11, "portal:household")


def test_ajouter_un_membre_shows_as_pending(client, cde11, parent_a, curl):
    household = household_for(parent_a, cde11, state=HouseholdState.VALIDATED)
    client.force_login(parent_a)
    response = client.post(
        curl(cde11, "portal:family_member_add", kind="enfant"), {**CHILD_POST, "first_name": "Robin"}
    )
    assert response.status_code == 302
    page = client.get(curl(cde11, "portal:family")).content.decode()
    assert "Robin" in page and "En attente de validation" in page
    assert not household.children.filter(first_name="Robin").exists()


def portal_household_urls(curl, caisse, household):
    guardian = household.guardians.first()
    child = household.children.first()
    return [
        curl(caisse, "portal:household_guardian_edit", guardian_uuid=guardian.uuid),
        curl(caisse, "portal:household_guardian_remove", guardian_uuid=guardian.uuid),
        curl(caisse, "portal:household_child_edit", child_uuid=child.uuid),
        curl(caisse, "portal:household_child_remove", child_uuid=child.uuid),
    ]


def test_a_family_never_reaches_another_familys_household(client, cde11, parent_a, parent_b, curl):
    other = household_for(parent_b, cde11, children=("Secret",))
    household_for(parent_a, cde11)
    client.force_login(parent_a)
    for url in portal_household_urls(curl, cde11, other):
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code in (404, 405), f"{method} {url}: {response.status_code}"
    for name in ["portal:household", "portal:family", "portal:household_profile", "portal:dashboard"]:
        assert "Secret" not in client.get(curl(cde11, name), follow=True).content.decode()
    assert other.children.filter(first_name="Secret").exists()


def test_a_parent_without_household_gets_404_on_household_pieces(client, cde11, parent_a, parent_b, curl):
    other = household_for(parent_b, cde11)
    client.force_login(parent_a)
    for url in portal_household_urls(curl, cde11, other) + [
        curl(cde11, "portal:household_co_guardian_add"),
        curl(cde11, "portal:household_child_add"),
    ]:
        assert client.get(url).status_code in (404, 405)
    assert client.post(curl(cde11, "portal:household_submit")).status_code == 404


def test_the_household_of_cde11_is_invisible_from_cde19(client, cde11, cde19, parent_a, curl):
    household = household_for(parent_a, cde11, state=HouseholdState.VALIDATED, children=("Elie",))
    client.force_login(parent_a)
    for url in portal_household_urls(curl, cde19, household):
        assert client.get(url).status_code in (404, 405)
    page = client.get(curl(cde19, "portal:household")).content.decode()
    assert "Elie" not in page and "Votre famille est inconnue du service Enfance." in page


def test_anonymous_visitors_are_sent_to_the_login(client, cde11, curl):
    for name in ["portal:household", "portal:household_profile", "portal:family"]:
        assert client.get(curl(cde11, name))["Location"].startswith("/cde11/compte/login/")


@pytest.fixture
def private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": str(tmp_path), "base_url": None}},
    }


def store_pdf(caisse, household):
    return document_store(
        caisse=caisse,
        household=household,
        uploaded_file=SimpleUploadedFile("avis.pdf", PDF, content_type="application/pdf"),
        kind=DocumentKind.INCOME_PROOF,
    )


def test_the_family_reads_its_own_documents_and_history(client, cde11, parent_a, curl, private_storage):
    household = household_for(parent_a, cde11, state=HouseholdState.VALIDATED)
    household.events.create(action="validated", to_state="validated")
    document = store_pdf(cde11, household)
    client.force_login(parent_a)
    page = client.get(curl(cde11, "portal:family")).content.decode()
    assert "avis.pdf" in page and "Foyer validé" in page
    response = client.get(curl(cde11, "portal:family_document", document_uuid=document.uuid))
    assert response.status_code == 200
    response.close()


def test_a_family_never_sees_another_familys_documents_or_history(
    client, cde11, cde19, parent_a, parent_b, curl, private_storage
):
    other = household_for(parent_b, cde11, state=HouseholdState.VALIDATED)
    other.events.create(action="correction_asked", message="Secret de la famille B")
    document = store_pdf(cde11, other)
    household_for(parent_a, cde11, state=HouseholdState.VALIDATED)
    client.force_login(parent_a)
    assert client.get(curl(cde11, "portal:family_document", document_uuid=document.uuid)).status_code == 404
    assert client.get(curl(cde19, "portal:family_document", document_uuid=document.uuid)).status_code == 404
    page = client.get(curl(cde11, "portal:family")).content.decode()
    assert "avis.pdf" not in page and "Secret de la famille B" not in page
    client.force_login(parent_b)
    assert client.get(curl(cde19, "portal:family_document", document_uuid=document.uuid)).status_code == 404


def test_the_child_form_is_titled_by_the_child_it_edits(client, cde11, parent_a, curl):
    household = household_for(parent_a, cde11, children=("Rose",))
    client.force_login(parent_a)
    child = household.children.get()
    edit = client.get(curl(cde11, "portal:household_child_edit", child_uuid=child.uuid)).content.decode()
    add = client.get(curl(cde11, "portal:household_child_add")).content.decode()
    assert f"<title>{child.full_name} — Mon entourage — {cde11.name}</title>" in edit
    assert f"<title>Ajouter un enfant — {cde11.name}</title>" in add


def test_the_family_page_title_is_plain_text(client, cde11, parent_a, curl):
    household = household_for(parent_a, cde11, state=HouseholdState.VALIDATED)
    household.events.create(action="validated", to_state="validated")
    client.force_login(parent_a)
    page = client.get(curl(cde11, "portal:family")).content.decode()
    title = page.split("<title>", 1)[1].split("</title>", 1)[0]
    assert title == "Ma famille — Caisse des écoles Paris 11e", title
