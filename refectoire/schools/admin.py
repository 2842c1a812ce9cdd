from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from refectoire.schools.models import CalendarEntry, Closure, School, SchoolYear


@admin.register(School)
class SchoolAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "kind", "weekdays", "caisse"]
    list_filter = ["caisse", "kind"]


admin.site.register(SchoolYear, SimpleHistoryAdmin)
admin.site.register(CalendarEntry, SimpleHistoryAdmin)
admin.site.register(Closure, SimpleHistoryAdmin)
