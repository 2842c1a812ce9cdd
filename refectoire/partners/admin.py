from django.contrib import admin

from refectoire.partners.models import ApiCall, ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "caisse", "prefix", "school", "expires_at", "state"]
    list_filter = ["caisse"]
    readonly_fields = ["prefix"]
    exclude = ["secret_hash"]


@admin.register(ApiCall)
class ApiCallAdmin(admin.ModelAdmin):
    list_display = ["at", "caisse", "token", "method", "endpoint", "status", "duration_ms"]
    list_filter = ["caisse", "status"]
