"""A parent applies to a holiday stay for their child, from the stays page to the follow-up."""

import pytest
from playwright.sync_api import expect

from tests.browser.waits import follow

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
    expect(page.get_by_role("heading", name="Séjours de vacances", exact=True)).to_be_visible()
    check_page(page)

    page.get_by_role("link", name="Mer et voile à Pornic").first.click()
    expect(page.get_by_role("heading", name="Mer et voile à Pornic")).to_be_visible()
    check_page(page)

    page.get_by_role("link", name="peut partir : demander ce séjour").click()
    expect(page.get_by_role("heading", name=f"Demande de séjour pour {child.full_name}")).to_be_visible()
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

    expect(page.get_by_role("heading", name=f"Demande de séjour de {child.full_name}")).to_be_visible()
    expect(page.get_by_text("Votre demande de séjour")).to_be_visible()
    expect(page.get_by_text("Choix 1 : Mer et voile à Pornic")).to_be_visible()
    expect(page.get_by_text("Certificat de vaccination").first).to_be_visible()
    check_page(page)

    application = StayApplication.objects.get(child=child)
    assert [choice.stay.place for choice in application.choices.order_by("rank")] == ["Pornic", "Samoëns"]
    assert application.documents.get().kind == "health_form"

    page.get_by_role("link", name="Séjours de vacances").first.click()
    expect(page.get_by_text("Suivre la demande")).to_be_visible()
    check_page(page)


def test_a_manager_allocates_the_places_and_reads_the_lists(page, live_server, check_page, client):
    from refectoire.stays.models import StayAllocation
    from tests.factories import AgentRoleFactory, CaisseFactory
    from tests.stays.factories import HolidayStayFactory, StayChoiceFactory

    caisse = CaisseFactory(slug="cde19", name="Caisse des écoles du 19e arrondissement")
    manager = AgentRoleFactory(caisse=caisse, manager=True).user
    stay = HolidayStayFactory(caisse=caisse, title="Classe de neige", closed=True, capacity=2)
    for _ in range(4):
        StayChoiceFactory(stay=stay)

    client.force_login(manager)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/cde19/agent/")
    expect(page.get_by_text("Séjours : places à attribuer")).to_be_visible()
    check_page(page)

    page.get_by_role("link", name="Séjours de vacances").first.click()
    follow(page.get_by_role("link", name="Classe de neige"))
    check_page(page)

    page.get_by_label("Graine du tirage au sort").fill("42")
    page.get_by_role("button", name="Attribuer les places").click()
    expect(page.get_by_text("graine du tirage : 42")).to_be_visible()
    assert StayAllocation.objects.get(stay=stay).seed == 42
    follow(page.get_by_role("link", name="Liste d'attente (2)"))
    check_page(page)


def test_a_teacher_registers_for_adult_meals(page, live_server, check_page, client):
    from refectoire.adultmeals.models import AdultRegistration
    from tests.factories import CaisseFactory, UserFactory
    from tests.stays.factories import SchoolFactory

    caisse = CaisseFactory(slug="cde19", name="Caisse des écoles du 19e arrondissement")
    SchoolFactory(caisse=caisse, name="École élémentaire Tandou")
    teacher = UserFactory(first_name="Claire", last_name="Dumas")
    client.force_login(teacher)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/cde19/mon-espace/restauration-adulte/")
    check_page(page)
    page.get_by_label("Établissement").select_option(label="École élémentaire Tandou")
    page.get_by_label("Fonction").select_option(label="Enseignant(e)")
    page.locator("#id_employer").select_option(label="Éducation nationale")
    page.locator("label[for=id_weekdays_0]").click()
    page.locator("label[for=id_weekdays_3]").click()
    page.get_by_label("À partir du").fill("2027-01-04")
    page.get_by_role("button", name="Envoyer l'inscription").click()
    expect(page.get_by_text("En attente de validation")).to_be_visible()
    check_page(page)
    assert AdultRegistration.objects.get(user=teacher).weekdays == "14"


def test_a_teacher_ends_a_validated_registration(page, live_server, check_page, client):
    from django.utils import timezone

    from refectoire.adultmeals.enums import RegistrationState
    from tests.billing.adults import adult
    from tests.factories import AgentRoleFactory, CaisseFactory, UserFactory
    from tests.stays.factories import SchoolFactory

    caisse = CaisseFactory(slug="cde19", name="Caisse des écoles du 19e arrondissement")
    teacher = UserFactory(first_name="Claire", last_name="Dumas")
    registration = adult(
        caisse,
        SchoolFactory(caisse=caisse, name="École élémentaire Tandou"),
        agent=AgentRoleFactory(caisse=caisse).user,
        user=teacher,
        starts_on=timezone.localdate() - timezone.timedelta(days=30),
    )
    client.force_login(teacher)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/cde19/mon-espace/restauration-adulte/")
    follow(page.get_by_role("link", name="Mettre fin à mon inscription"))
    check_page(page)
    last_day = timezone.localdate() + timezone.timedelta(days=7)
    page.get_by_label("Dernier jour de repas").fill(last_day.isoformat())
    page.get_by_role("button", name="Mettre fin à mon inscription").click()
    expect(page.get_by_text(f"Votre inscription prend fin le {last_day:%d/%m/%Y}")).to_be_visible()
    check_page(page)
    registration.refresh_from_db()
    assert (registration.state, registration.ends_on) == (RegistrationState.ENDED, last_day)


def test_a_parent_confirms_a_place_and_finds_the_invoice_to_pay(page, live_server, check_page, client):
    from refectoire.stays.enums import ChoiceState
    from tests.billing.stays import confirmed_place, priced_caisse, winter_stay
    from tests.factories import CaisseFactory, UserFactory

    caisse = CaisseFactory(slug="cde19", name="Caisse des écoles du 19e arrondissement")
    priced_caisse(caisse)
    parent = UserFactory(first_name="Inès", last_name="Moreau")
    choice = confirmed_place(
        caisse, user=parent, stay=winter_stay(caisse, title="Classe de neige"), state=ChoiceState.ALLOCATED
    )
    client.force_login(parent)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )

    page.goto(f"{live_server.url}/cde19/mon-espace/sejours/demandes/{choice.application.uuid}/")
    page.get_by_role("button", name="Confirmer la place").click()
    expect(page.get_by_text("La place est confirmée.")).to_be_visible()
    choice.refresh_from_db()
    invoice = choice.invoice
    expect(page.get_by_role("link", name=f"Facture n° {invoice.number} — Classe de neige")).to_be_visible()
    expect(page.get_by_role("link", name=f"Payer la facture n° {invoice.number}")).to_be_visible()
    check_page(page)

    page.get_by_role("link", name=f"Facture n° {invoice.number} — Classe de neige").click()
    expect(
        page.get_by_role("heading", name=f"Facture {invoice.number} - Séjour Classe de neige")
    ).to_be_visible()
    expect(page.get_by_text("Reste à payer : 300,00 €")).to_be_visible()
    check_page(page)

    page.get_by_role("link", name="Factures", exact=True).first.click()
    expect(page.get_by_role("link", name=invoice.title)).to_be_visible()
    check_page(page)
