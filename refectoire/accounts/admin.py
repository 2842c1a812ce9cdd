from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from refectoire.accounts.models import CguAcceptance, User
from refectoire.core.models import ADDRESS_FIELDS


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, BaseUserAdmin):
    list_display = ["username", "email", "first_name", "last_name", "is_active", "is_superuser"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (
            "Réfectoire",
            {
                "fields": [
                    "civility",
                    "birth_name",
                    "birth_date",
                    *ADDRESS_FIELDS,
                    "mobile_phone",
                    "signup_caisse",
                ]
            },
        ),
    ]


@admin.register(CguAcceptance)
class CguAcceptanceAdmin(admin.ModelAdmin):
    list_display = ["user", "caisse", "accepted_at"]
    raw_id_fields = ["user"]
