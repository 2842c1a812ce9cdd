from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from refectoire.stays.models import HolidayStay, StayAllocation, StayChoice, StayChoiceEvent, StayPrice


class StayPriceInline(admin.TabularInline):
    model = StayPrice
    extra = 0


@admin.register(HolidayStay)
class HolidayStayAdmin(SimpleHistoryAdmin):
    list_display = ["title", "caisse", "start_date", "end_date", "capacity", "is_published"]
    list_filter = ["caisse", "is_published"]
    inlines = [StayPriceInline]


class StayChoiceEventInline(admin.TabularInline):
    model = StayChoiceEvent
    extra = 0
    readonly_fields = ["created_at", "actor", "from_state", "to_state", "message"]


@admin.register(StayChoice)
class StayChoiceAdmin(SimpleHistoryAdmin):
    list_display = ["child", "stay", "rank", "state", "waiting_rank"]
    list_filter = ["state", "stay__caisse"]
    inlines = [StayChoiceEventInline]


@admin.register(StayAllocation)
class StayAllocationAdmin(admin.ModelAdmin):
    list_display = ["stay", "seed", "created_at", "allocated_by"]
    readonly_fields = ["stay", "seed", "allocated_by", "result"]
