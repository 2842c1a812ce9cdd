from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from refectoire.billing.models import Credit


@admin.register(Credit)
class CreditAdmin(SimpleHistoryAdmin):
    list_display = ["uuid", "caisse", "household", "child", "meal_count", "amount", "used_by_invoice"]
    list_filter = ["caisse"]
    raw_id_fields = ["household", "child", "request"]
