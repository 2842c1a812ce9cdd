from allauth.account.signals import email_confirmed, user_logged_in, user_signed_up
from django.conf import settings
from django.dispatch import receiver

from refectoire.accounts import oidc
from refectoire.accounts.services import language_codes, old_addresses_remove, user_language_set


@receiver(email_confirmed)
def remove_old_addresses(request, email_address, **kwargs):
    old_addresses_remove(address=email_address)


@receiver(user_logged_in)
def keep_the_provider_id_token(request, user, sociallogin=None, **kwargs):
    # After a Mon Paris or FranceConnect login: its ID token, for the logout (accounts/oidc.py).
    oidc.login_completed(request, sociallogin)


@receiver(user_signed_up)
@receiver(user_logged_in)
def keep_the_language_chosen_before_login(request, user, **kwargs):
    # The language chosen in the header before login (a cookie) becomes the account's, unless
    # the account already has one: the account's choice wins from then on (www/i18n.py).
    if request is None or user.language:
        return
    language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if language in language_codes():
        user_language_set(user=user, language=language)
