from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from refectoire.requests.models import FollowUp, Request, RequestEvent


class RequestEventInline(admin.TabularInline):
    model = RequestEvent
    extra = 0
    readonly_fields = ["created_at", "actor", "by_agent", "kind", "from_state", "to_state", "message"]
    exclude = ["attachments"]
    can_delete = False


@admin.register(Request)
class RequestAdmin(SimpleHistoryAdmin):
    list_display = ["uuid", "caisse", "kind", "state", "household", "submitted_at", "assigned_to"]
    list_filter = ["caisse", "kind", "state"]
    raw_id_fields = ["household", "children", "attachments", "created_by", "assigned_to"]
    inlines = [RequestEventInline]


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    list_display = ["uuid", "caisse", "kind", "household", "child", "effective_date", "done_at"]
    list_filter = ["caisse", "kind"]
    raw_id_fields = ["household", "child", "request"]
