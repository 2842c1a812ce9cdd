from allauth.account.signals import email_confirmed, user_logged_in
from django.dispatch import receiver

from refectoire.accounts import oidc
from refectoire.accounts.services import old_addresses_remove


@receiver(email_confirmed)
def remove_old_addresses(request, email_address, **kwargs):
    old_addresses_remove(address=email_address)


@receiver(user_logged_in)
def keep_the_provider_id_token(request, user, sociallogin=None, **kwargs):
    # After a Mon Paris or FranceConnect login: its ID token, for the logout (accounts/oidc.py).
    oidc.login_completed(request, sociallogin)
