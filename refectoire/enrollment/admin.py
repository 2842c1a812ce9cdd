from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from refectoire.enrollment.models import (
    Absence,
    AbsenceReason,
    AbsenceRules,
    ChildLink,
    Enrollment,
    RhythmChange,
)


@admin.register(Enrollment)
class EnrollmentAdmin(SimpleHistoryAdmin):
    list_display = ["child", "school", "school_year", "weekdays", "custody", "state"]
    list_filter = ["caisse", "school_year", "state", "custody"]
    raw_id_fields = ["household", "child", "custody_document", "created_by"]


admin.site.register(RhythmChange, SimpleHistoryAdmin)
admin.site.register(ChildLink, SimpleHistoryAdmin)


@admin.register(Absence)
class AbsenceAdmin(SimpleHistoryAdmin):
    list_display = ["child", "first_day", "last_day", "reason", "state"]
    list_filter = ["state", "household__caisse"]
    raw_id_fields = ["household", "child", "declared_by", "decided_by"]


admin.site.register(AbsenceReason, SimpleHistoryAdmin)
admin.site.register(AbsenceRules, SimpleHistoryAdmin)
