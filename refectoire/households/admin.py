from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from refectoire.households.models import Child, Guardian, Household, HouseholdChange, HouseholdEvent


class GuardianInline(admin.StackedInline):
    model = Guardian
    extra = 0
    raw_id_fields = ["user"]


class ChildInline(admin.TabularInline):
    model = Child
    extra = 0


class EventInline(admin.TabularInline):
    model = HouseholdEvent
    extra = 0
    readonly_fields = ["created_at", "actor", "action", "from_state", "to_state", "message"]
    can_delete = False


@admin.register(Household)
class HouseholdAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "caisse", "reference", "state", "submitted_at", "validated_at"]
    list_filter = ["caisse", "state"]
    search_fields = ["reference", "service_key", "guardians__last_name", "children__first_name"]
    readonly_fields = ["uuid", "created_at", "updated_at"]
    inlines = [GuardianInline, ChildInline, EventInline]


@admin.register(HouseholdChange)
class HouseholdChangeAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "household", "state", "created_at", "decided_at"]
    list_filter = ["state", "kind"]
    raw_id_fields = ["household", "requested_by", "decided_by"]
