from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from refectoire.caisses.models import AgentRole, Caisse


@admin.register(Caisse)
class CaisseAdmin(SimpleHistoryAdmin):
    list_display = ["slug", "name", "contact_email", "is_active"]
    search_fields = ["slug", "name"]


@admin.register(AgentRole)
class AgentRoleAdmin(SimpleHistoryAdmin):
    list_display = ["user", "caisse", "role", "is_active"]
    list_filter = ["caisse", "role", "is_active"]
    search_fields = ["user__username", "user__email"]
    raw_id_fields = ["user"]
