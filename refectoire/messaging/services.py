from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from refectoire.core.validators import check_free_texts
from refectoire.messaging.models import Conversation, FaqEntry, Message, NewsItem
from refectoire.messaging.notifications import notify_household


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


def _check_documents(household, documents):
    for document in documents:
        if document.household_id != household.pk or document.deleted_at:
            raise ValueError("document of another household")


@transaction.atomic
def conversation_start(*, household, subject, body, author, by_agent: bool, attachments=()) -> Conversation:
    """ "Contacter la Caisse" (a parent), or an agent writing to a household."""
    if not subject.strip() or not body.strip():
        raise ValidationError(_("L'objet et le message sont obligatoires."))
    check_free_texts(body=body)
    now = timezone.now()
    conversation = Conversation.objects.create(
        caisse=household.caisse,
        household=household,
        subject=subject,
        started_by=author,
        started_by_agent=by_agent,
        last_message_at=now,
        agent_read_at=now if by_agent else None,
        parent_read_at=None if by_agent else now,
    )
    conversation_reply(
        conversation=conversation, body=body, author=author, by_agent=by_agent, attachments=attachments
    )
    return conversation


@transaction.atomic
def conversation_reply(*, conversation, body, author, by_agent: bool, attachments=()) -> Message:
    if not body.strip():
        raise ValidationError(_("Le message est vide."))
    check_free_texts(body=body)
    _check_documents(conversation.household, attachments)
    message = Message.objects.create(conversation=conversation, author=author, from_agent=by_agent, body=body)
    message.attachments.set(attachments)
    conversation.last_message_at = message.created_at
    if by_agent:
        conversation.agent_read_at = message.created_at
    else:
        conversation.parent_read_at = message.created_at
    conversation.save(update_fields=["last_message_at", "agent_read_at", "parent_read_at", "updated_at"])
    if by_agent:
        notify_household(
            household=conversation.household,
            subject=gettext_lazy("Nouveau message de la Caisse des écoles"),
            intro=gettext_lazy("La Caisse des écoles vous a écrit."),
            url=conversation.caisse.absolute_url(
                "portal:conversation_detail", kwargs={"conversation_uuid": conversation.uuid}
            ),
        )
    return message


def conversation_mark_read(*, conversation, by_agent: bool) -> None:
    field = "agent_read_at" if by_agent else "parent_read_at"
    Conversation.objects.filter(pk=conversation.pk).update(**{field: timezone.now()})


@transaction.atomic
def faq_entry_save(*, caisse, entry: FaqEntry | None = None, **fields) -> FaqEntry:
    entry = entry or FaqEntry(caisse=caisse)
    if entry.caisse_id != caisse.pk:
        raise ValueError("FAQ of another Caisse")
    for name, value in fields.items():
        setattr(entry, name, value)
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def faq_entry_delete(*, caisse, entry: FaqEntry) -> None:
    if entry.caisse_id != caisse.pk:
        raise ValueError("FAQ of another Caisse")
    entry.delete()
