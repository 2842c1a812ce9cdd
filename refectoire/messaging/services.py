from django.db import transaction

from refectoire.messaging.models import NewsItem


@transaction.atomic
def news_save(*, caisse, news: NewsItem | None = None, **fields) -> NewsItem:
    """Create or change an "actualité" of `caisse`."""
    news = news or NewsItem(caisse=caisse)
    if news.caisse_id != caisse.pk:
        raise ValueError("news of another Caisse")
    for name, value in fields.items():
        setattr(news, name, value)
    news.full_clean()
    news.save()
    return news


@transaction.atomic
def news_delete(*, caisse, news: NewsItem) -> None:
    if news.caisse_id != caisse.pk:
        raise ValueError("news of another Caisse")
    news.delete()
