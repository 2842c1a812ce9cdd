"""A parent applies to a holiday stay for their child, from the stays page to the follow-up."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_parent_applies_to_a_holiday_stay(page, live_server, check_page, client, tmp_path, settings):
    from refectoire.stays.models import StayApplication
    from tests.factories import CaisseFactory, UserFactory
    from tests.stays.factories import HolidayStayFactory, family, pdf_bytes

    default = {**settings.STORAGES["default"], "OPTIONS": {"location": str(tmp_path), "base_url": None}}
    settings.STORAGES = {**settings.STORAGES, "default": default}
    caisse = CaisseFactory(slug="cde19", name="Caisse des écoles du 19e arrondissement")
    parent = UserFactory(first_name="Inès", last_name="Moreau")
    _household, (child,) = family(caisse, user=parent)
    HolidayStayFactory(caisse=caisse, title="Mer et voile à Pornic", place="Pornic")
    HolidayStayFactory(caisse=caisse, title="Classe de neige", place="Samoëns")

    client.force_login(parent)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )

    page.goto(f"{live_server.url}/cde19/mon-espace/sejours/")
    assert page.get_by_role("heading", name="Séjours de vacances", exact=True).is_visible()
    check_page(page)

    page.get_by_role("link", name="Mer et voile à Pornic").first.click()
    assert page.get_by_role("heading", name="Mer et voile à Pornic").is_visible()
    check_page(page)

    page.get_by_role("link", name="peut partir : demander ce séjour").click()
    assert page.get_by_role("heading", name=f"Demande de séjour pour {child.full_name}").is_visible()
    check_page(page)

    page.get_by_label("Premier choix").select_option(
        label=page.locator("#id_choice_1 option", has_text="Pornic").inner_text()
    )
    page.get_by_label("Deuxième choix").select_option(
        label=page.locator("#id_choice_2 option", has_text="Samoëns").inner_text()
    )
    (tmp_path / "fiche-sanitaire.pdf").write_bytes(pdf_bytes())
    page.locator("#id_health_form").set_input_files(str(tmp_path / "fiche-sanitaire.pdf"))
    page.get_by_role("button", name="Déposer la demande").click()

    assert page.get_by_role("heading", name=f"Demande de séjour de {child.full_name}").is_visible()
    assert page.get_by_text("Votre demande de séjour").is_visible()
    assert page.get_by_text("Choix 1 : Mer et voile à Pornic").is_visible()
    assert page.get_by_text("Certificat de vaccination").first.is_visible()
    check_page(page)

    application = StayApplication.objects.get(child=child)
    assert [choice.stay.place for choice in application.choices.order_by("rank")] == ["Pornic", "Samoëns"]
    assert application.documents.get().kind == "health_form"

    page.get_by_role("link", name="Séjours de vacances").first.click()
    assert page.get_by_text("Suivre la demande").is_visible()
    check_page(page)
