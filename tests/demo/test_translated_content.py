"""The demo Caisses show content their agents wrote in English and Arabic (issue 19): a pinned news
item and a FAQ question in each Caisse, the rest in French."""

import io

import pytest

from refectoire.demo import caisses, messaging
from refectoire.messaging.models import FaqEntry, NewsItem

pytestmark = pytest.mark.django_db


def test_each_demo_caisse_has_a_news_item_and_a_question_in_english_and_arabic():
    caisses.seed(stdout=io.StringIO())
    messaging.seed(stdout=io.StringIO())
    for slug in ("cde11", "cde19"):
        news = NewsItem.objects.filter(caisse__slug=slug).exclude(title_en="")
        assert news.exists() and all(item.title_ar and item.body_en and item.body_ar for item in news)
        assert NewsItem.objects.filter(
            caisse__slug=slug, title_en=""
        ).exists()  # the French fallback shows too
        faq = FaqEntry.objects.filter(caisse__slug=slug).exclude(question_en="")
        assert faq.exists() and all(entry.question_ar and entry.answer_ar for entry in faq)
