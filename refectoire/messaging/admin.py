from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from refectoire.messaging.models import NewsItem


@admin.register(NewsItem)
class NewsItemAdmin(SimpleHistoryAdmin):
    list_display = ["title", "caisse", "publish_date", "end_date", "pinned"]
    list_filter = ["caisse", "pinned"]
