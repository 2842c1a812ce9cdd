from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from refectoire.accounts.models import CguAcceptance, User


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
                    "street_number",
                    "street_name",
                    "building",
                    "apartment",
                    "address_complement",
                    "postcode",
                    "city",
                    "country",
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
