"""What a Caisse writes for families (news, FAQ, stays) in English and Arabic when its agents wrote
them; the French text otherwise, marked lang="fr" so a screen reader reads it in French (issue 19)."""

import html

import pytest
from django.conf import settings

from refectoire.messaging.models import FaqEntry, NewsItem
from tests.factories import AgentRoleFactory, CaisseFactory, NewsItemFactory
from tests.stays.factories import HolidayStayFactory

pytestmark = pytest.mark.django_db
COOKIE = settings.LANGUAGE_COOKIE_NAME


def page(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def in_language(client, language):
    client.cookies[COOKIE] = language
    return client


@pytest.fixture
def news(cde11):
    return NewsItemFactory(
        caisse=cde11,
        title="Menus de la rentrée",
        body="Les menus de septembre sont en ligne.",
        title_en="Back-to-school menus",
        body_en="The September menus are online.",
        title_ar="قوائم الدخول المدرسي",
        body_ar="قوائم شهر سبتمبر متاحة على الموقع.",
    )


@pytest.mark.parametrize(
    ("language", "title", "body"),
    [
        ("fr", "Menus de la rentrée", "Les menus de septembre sont en ligne."),
        ("en", "Back-to-school menus", "The September menus are online."),
        ("ar", "قوائم الدخول المدرسي", "قوائم شهر سبتمبر متاحة على الموقع."),
    ],
)
def test_a_news_item_reads_in_the_language_the_agents_wrote_it(
    client, curl, cde11, news, language, title, body
):
    in_language(client, language)
    detail = page(client.get(curl(cde11, "public:news_detail", news.uuid)))
    assert f"<h1>{title}</h1>" in detail and body in detail
    assert title in page(client.get(curl(cde11, "public:news_list")))
    assert title in page(client.get(curl(cde11, "public:welcome")))


def test_a_news_item_without_translation_shows_the_french_one_marked_french(client, curl, cde11):
    item = NewsItemFactory(caisse=cde11, title="Fermeture le 11 novembre", body="Pas de cantine ce jour-là.")
    in_language(client, "ar")
    detail = page(client.get(curl(cde11, "public:news_detail", item.uuid)))
    assert '<h1 lang="fr">Fermeture le 11 novembre</h1>' in detail
    assert '<div lang="fr"><p>Pas de cantine ce jour-là.</p></div>' in detail
    in_language(client, "fr")
    detail = page(client.get(curl(cde11, "public:news_detail", item.uuid)))
    assert "<h1>Fermeture le 11 novembre</h1>" in detail and 'lang="fr">Fermeture' not in detail


def test_a_blank_translation_counts_as_none(client, curl, cde11):
    item = NewsItemFactory(caisse=cde11, title="Inscriptions ouvertes", title_en="   ", body="Texte.")
    in_language(client, "en")
    assert '<h1 lang="fr">Inscriptions ouvertes</h1>' in page(
        client.get(curl(cde11, "public:news_detail", item.uuid))
    )


def test_the_faq_reads_in_english_with_french_for_an_untranslated_answer(client, curl, cde11, parent_a):
    FaqEntry.objects.create(
        caisse=cde11,
        question="Comment signaler une absence ?",
        answer="Depuis « Mes absences ».",
        question_en="How do I report an absence?",
    )
    client.force_login(parent_a)
    parent_a.language = "en"
    parent_a.save(update_fields=["language"])
    faq = page(client.get(curl(cde11, "portal:faq")))
    assert "How do I report an absence?" in faq and "Comment signaler" not in faq
    assert 'lang="fr"><p>Depuis « Mes absences ».</p></div>' in faq


def test_a_stay_reads_in_arabic_when_the_agents_wrote_it(client, curl, cde11, parent_a, household_a):
    stay = HolidayStayFactory(
        caisse=cde11,
        title="Séjour à la mer",
        description="Une semaine à Quiberon.",
        title_ar="رحلة إلى البحر",
    )
    client.force_login(parent_a)
    in_language(client, "ar")
    detail = page(client.get(curl(cde11, "portal:stay_detail", stay.uuid)))
    assert "<h1>رحلة إلى البحر</h1>" in detail
    assert '<div class="fr-mb-4w" lang="fr"><p>Une semaine à Quiberon.</p></div>' in detail


def test_agents_enter_the_three_languages_in_clearly_labelled_fields(client, curl, cde11, manager_cde11):
    client.force_login(manager_cde11)
    form = page(client.get(curl(cde11, "backoffice:news_create")))
    assert "Titre en anglais (English), facultatif" in form
    assert "Texte en arabe (العربية), facultatif" in form
    assert 'lang="ar" dir="rtl"' in form and 'lang="en" dir="ltr"' in form
    response = client.post(
        curl(cde11, "backoffice:news_create"),
        {
            "title": "Repas bio",
            "body": "Un repas bio par semaine.",
            "title_en": "Organic meals",
            "body_en": "",
            "title_ar": "وجبات عضوية",
            "body_ar": "وجبة عضوية كل أسبوع.",
            "publish_date": "2026-09-01",
        },
    )
    assert response.status_code == 302
    item = NewsItem.objects.get(caisse=cde11, title="Repas bio")
    assert (item.title_en, item.body_en, item.title_ar) == ("Organic meals", "", "وجبات عضوية")


def test_a_manager_writes_a_stay_in_english(client, curl, cde11, manager_cde11):
    stay = HolidayStayFactory(caisse=cde11, title="Séjour nature")
    client.force_login(manager_cde11)
    form = page(client.get(curl(cde11, "backoffice:stay_edit", stay.uuid)))
    assert "Description en anglais (English), facultatif" in form


def test_the_faq_form_offers_the_three_languages(client, curl, cde11, manager_cde11):
    client.force_login(manager_cde11)
    client.post(
        curl(cde11, "backoffice:faq_create"),
        {"question": "Q ?", "answer": "R.", "question_ar": "سؤال؟", "answer_ar": "جواب.", "position": 1},
    )
    entry = FaqEntry.objects.get(caisse=cde11)
    assert (entry.question_ar, entry.answer_ar, entry.question_en) == ("سؤال؟", "جواب.", "")


def test_an_agent_of_another_caisse_cannot_edit_these_texts(client, curl, cde11, news):
    other = AgentRoleFactory(caisse=CaisseFactory(), manager=True).user
    client.force_login(other)
    assert client.get(curl(cde11, "backoffice:news_edit", news.uuid)).status_code in (403, 404)
    assert client.post(curl(cde11, "backoffice:news_edit", news.uuid), {"title_en": "x"}).status_code in (
        403,
        404,
    )
    news.refresh_from_db()
    assert news.title_en == "Back-to-school menus"
