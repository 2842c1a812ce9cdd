from django.db import transaction
from django.utils import timezone

from refectoire.caisses.accounting import ACCOUNTING_FIELDS
from refectoire.caisses.models import Caisse

PROFILE_FIELDS = {
    "name",
    "logo_text",
    "accent_colour",
    "contact_email",
    "contact_phone",
    "postal_address",
    "welcome_text",
    *ACCOUNTING_FIELDS,  # identifiers with the public accountant (PES V2 exports)
}


@transaction.atomic
def caisse_update_profile(*, caisse: Caisse, **fields) -> Caisse:
    unknown = set(fields) - PROFILE_FIELDS
    if unknown:
        raise ValueError(f"not profile fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(caisse, name, value)
    caisse.full_clean()
    caisse.save()
    return caisse


@transaction.atomic
def caisse_update_cgu(*, caisse: Caisse, cgu_text: str) -> Caisse:
    caisse.cgu_text = cgu_text
    caisse.cgu_updated_at = timezone.now()
    caisse.full_clean()
    caisse.save(update_fields=["cgu_text", "cgu_updated_at", "updated_at"])
    return caisse
