import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from refectoire.caisses.querysets import CaisseQuerySet
from refectoire.core.models import TimeStampedModel
from refectoire.core.translated import content_translation
from refectoire.core.validators import FREE_TEXT_MAX, validate_free_text
from refectoire.households.models import Household


class NewsItemQuerySet(CaisseQuerySet):
    def published(self, caisse, *, on=None):
        """What the public sees on day `on`: published, not yet ended; pinned first, then newest."""
        on = on or timezone.localdate()
        return (
            self.for_caisse(caisse)
            .filter(publish_date__lte=on)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
            .order_by("-pinned", "-publish_date", "-created_at")
        )


class NewsItem(TimeStampedModel):
    """An "actualité" of a Caisse, shown on its welcome page."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    caisse = models.ForeignKey("caisses.Caisse", on_delete=models.CASCADE, related_name="news")
    title = models.CharField(_("titre"), max_length=200)
    body = models.TextField(_("texte"), max_length=FREE_TEXT_MAX, validators=[validate_free_text])
    title_en = content_translation(title, "en")
    body_en = content_translation(body, "en")
    title_ar = content_translation(title, "ar")
    body_ar = content_translation(body, "ar")
    publish_date = models.DateField(_("date de publication"), default=timezone.localdate)
    end_date = models.DateField(_("fin de publication"), null=True, blank=True)
    pinned = models.BooleanField(_("épinglée"), default=False, help_text=_("Toujours en tête de liste."))

    history = HistoricalRecords()
    objects = NewsItemQuerySet.as_manager()

    class Meta:
        ordering = ["-pinned", "-publish_date", "-created_at"]
        verbose_name = _("actualité")
        verbose_name_plural = _("actualités")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("publish_date")),
                name="news_end_after_publish",
                violation_error_message=_("La fin de publication doit suivre la date de publication."),
            )
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if self.end_date and self.publish_date and self.end_date < self.publish_date:
            raise ValidationError(
                {"end_date": _("La fin de publication doit suivre la date de publication.")}
            )


class ConversationQuerySet(CaisseQuerySet):
    def for_user(self, user, caisse):
        return self.filter(caisse=caisse, household__in=Household.objects.for_user(user, caisse))

    def with_unread(self, *, for_agents: bool):
        """Annotate `unread`: messages from the other side after this side last read."""
        read_field = "agent_read_at" if for_agents else "parent_read_at"
        return self.annotate(
            unread=models.Count(
                "messages",
                filter=Q(messages__from_agent=not for_agents)
                & (Q(**{f"{read_field}__isnull": True}) | Q(messages__created_at__gt=models.F(read_field))),
            )
        )


class Conversation(TimeStampedModel):
    """A thread between a household and its Caisse ("Contacter la Caisse")."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    caisse = models.ForeignKey("caisses.Caisse", on_delete=models.PROTECT, related_name="conversations")
    household = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, related_name="conversations"
    )
    subject = models.CharField(_("objet"), max_length=200)
    started_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_by_agent = models.BooleanField(default=False)
    last_message_at = models.DateTimeField(default=timezone.now, db_index=True)
    parent_read_at = models.DateTimeField(null=True, blank=True)
    agent_read_at = models.DateTimeField(null=True, blank=True)

    objects = ConversationQuerySet.as_manager()

    class Meta:
        ordering = ["-last_message_at", "-pk"]
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")

    def __str__(self):
        return self.subject


class Message(models.Model):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    author = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True, related_name="+")
    from_agent = models.BooleanField(default=False)
    body = models.TextField(_("message"), max_length=FREE_TEXT_MAX, validators=[validate_free_text])
    attachments = models.ManyToManyField("documents.Document", blank=True, related_name="messages")

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self):
        return f"{self.conversation} — {self.created_at:%d/%m/%Y %H:%M}"


class FaqEntry(TimeStampedModel):
    """One question of a Caisse's FAQ, written by its managers."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    caisse = models.ForeignKey("caisses.Caisse", on_delete=models.CASCADE, related_name="faq_entries")
    question = models.CharField(_("question"), max_length=300)
    answer = models.TextField(
        _("réponse"),
        max_length=FREE_TEXT_MAX,
        validators=[validate_free_text],
        help_text=_("Texte brut : une ligne vide sépare deux paragraphes."),
    )
    question_en = content_translation(question, "en")
    answer_en = content_translation(answer, "en")
    question_ar = content_translation(question, "ar")
    answer_ar = content_translation(answer, "ar")
    position = models.PositiveIntegerField(_("ordre"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("question fréquente")
        verbose_name_plural = _("questions fréquentes")

    def __str__(self):
        return self.question
