from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from refectoire.messaging.models import Conversation, FaqEntry, NewsItem


@admin.register(NewsItem)
class NewsItemAdmin(SimpleHistoryAdmin):
    list_display = ["title", "caisse", "publish_date", "end_date", "pinned"]
    list_filter = ["caisse", "pinned"]


@admin.register(FaqEntry)
class FaqEntryAdmin(SimpleHistoryAdmin):
    list_display = ["question", "caisse", "position"]
    list_filter = ["caisse"]


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ["subject", "caisse", "household", "last_message_at"]
    list_filter = ["caisse"]
    raw_id_fields = ["household", "started_by"]
