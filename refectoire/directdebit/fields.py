"""The IBAN encrypted at rest: django-fernet-encrypted-fields (Fernet, on `cryptography`) with the
key of the environment variable REFECTOIRE_IBAN_KEYS (README's settings table), never SECRET_KEY.

REFECTOIRE_IBAN_KEYS holds one or more Fernet keys separated by commas: the first encrypts, all
decrypt (rotation: put the new key first, re-save the mandates, then drop the old one).
"""

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import cached_property
from encrypted_fields.fields import EncryptedCharField


def iban_fernet() -> MultiFernet:
    keys = [key.strip() for key in settings.IBAN_ENCRYPTION_KEYS if key.strip()]
    if not keys:
        raise ImproperlyConfigured("REFECTOIRE_IBAN_KEYS is not set: the IBANs cannot be encrypted.")
    return MultiFernet([Fernet(key.encode()) for key in keys])


class EncryptedIbanField(EncryptedCharField):
    """A CharField stored as a Fernet token (text) under REFECTOIRE_IBAN_KEYS."""

    @cached_property
    def f(self):
        return iban_fernet()
