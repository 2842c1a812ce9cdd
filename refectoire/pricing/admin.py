from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from refectoire.pricing.models import (
    PricingSettings,
    TariffBracket,
    TariffDecision,
    TariffGrid,
    TariffRequest,
    TariffRequestEvent,
)


class TariffBracketInline(admin.TabularInline):
    model = TariffBracket
    extra = 0


@admin.register(TariffGrid)
class TariffGridAdmin(SimpleHistoryAdmin):
    list_display = ["caisse", "school_year", "version", "frozen_at"]
    list_filter = ["caisse"]
    inlines = [TariffBracketInline]


class TariffRequestEventInline(admin.TabularInline):
    model = TariffRequestEvent
    extra = 0
    readonly_fields = ["created_at", "actor", "from_state", "to_state", "action", "message"]


@admin.register(TariffRequest)
class TariffRequestAdmin(SimpleHistoryAdmin):
    list_display = ["household", "school_year", "state", "sent_at", "estimated_bracket"]
    list_filter = ["caisse", "state"]
    raw_id_fields = ["household", "proofs"]
    inlines = [TariffRequestEventInline]


@admin.register(TariffDecision)
class TariffDecisionAdmin(SimpleHistoryAdmin):
    list_display = ["household", "school_year", "bracket_number", "family_quotient", "start_date", "source"]
    list_filter = ["caisse", "source"]
    raw_id_fields = ["household", "request"]


@admin.register(PricingSettings)
class PricingSettingsAdmin(SimpleHistoryAdmin):
    list_display = ["caisse", "api_particulier_version"]
    exclude = ["api_particulier_token"]
