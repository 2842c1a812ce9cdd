from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from refectoire.adultmeals.models import AdultExtraMeal, AdultRegistration


@admin.register(AdultRegistration)
class AdultRegistrationAdmin(SimpleHistoryAdmin):
    list_display = ["user", "school", "role", "employer", "weekdays", "state", "caisse"]
    list_filter = ["state", "caisse"]


@admin.register(AdultExtraMeal)
class AdultExtraMealAdmin(SimpleHistoryAdmin):
    list_display = ["registration", "day", "count"]
