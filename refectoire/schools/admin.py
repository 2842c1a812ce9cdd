from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from refectoire.schools.models import CalendarEntry, CanteenStaff, Closure, School, SchoolYear


@admin.register(School)
class SchoolAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "kind", "weekdays", "caisse"]
    list_filter = ["caisse", "kind"]


admin.site.register(SchoolYear, SimpleHistoryAdmin)
admin.site.register(CalendarEntry, SimpleHistoryAdmin)
admin.site.register(Closure, SimpleHistoryAdmin)


@admin.register(CanteenStaff)
class CanteenStaffAdmin(SimpleHistoryAdmin):
    list_display = ["user", "caisse", "is_active"]
    list_filter = ["caisse", "is_active"]
    filter_horizontal = ["schools"]
