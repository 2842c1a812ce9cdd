from allauth.account.signals import email_confirmed
from django.dispatch import receiver

from refectoire.accounts.services import old_addresses_remove


@receiver(email_confirmed)
def remove_old_addresses(request, email_address, **kwargs):
    old_addresses_remove(address=email_address)
