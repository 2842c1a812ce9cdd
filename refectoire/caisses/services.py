from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from refectoire.caisses.accounting import ACCOUNTING_FIELDS
from refectoire.caisses.models import Caisse
from refectoire.core.uploads import FileType, inspect_upload

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


# The logo: a PNG or JPEG image of at most 1 Mo (a favicon is drawn from it).
LOGO_TYPES = frozenset({FileType.PNG, FileType.JPEG})
LOGO_MAX_SIZE = 1024 * 1024


@transaction.atomic
def caisse_update_profile(*, caisse: Caisse, logo=None, remove_logo: bool = False, **fields) -> Caisse:
    """Save the Caisse's profile; `logo` is an uploaded file, checked by its content before anything is
    written. The files of former logos stay in the storage: the history refers to them."""
    unknown = set(fields) - PROFILE_FIELDS
    if unknown:
        raise ValueError(f"not profile fields: {sorted(unknown)}")
    checked = None
    if logo is not None:
        try:
            checked = inspect_upload(logo, allowed=LOGO_TYPES, max_size=LOGO_MAX_SIZE)
        except ValidationError as error:
            raise ValidationError({"logo": error.messages}) from error
    for name, value in fields.items():
        setattr(caisse, name, value)
    caisse.full_clean(exclude=["logo"])
    if checked is not None:
        caisse.logo.save(f"logo.{checked.extension}", logo, save=False)
    elif remove_logo:
        caisse.logo = ""
    caisse.save()
    return caisse


@transaction.atomic
def caisse_update_cgu(*, caisse: Caisse, cgu_text: str) -> Caisse:
    caisse.cgu_text = cgu_text
    caisse.cgu_updated_at = timezone.now()
    caisse.full_clean()
    caisse.save(update_fields=["cgu_text", "cgu_updated_at", "updated_at"])
    return caisse
