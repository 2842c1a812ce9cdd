"""The language of the pages: the account's choice, else the cookie's, else French.

The browser's Accept-Language is not read: French is the default and the language of the legal
documents, and a family switches to English or Arabic with the selector in the header. The choice
is kept in a cookie before login and on the account after (and copied to the account at login).
"""

from django.conf import settings
from django.http import HttpResponseRedirect
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from refectoire.accounts.services import language_codes, user_language_set


def cookie_language(request) -> str:
    language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    return language if language in language_codes() else ""


def request_language(request) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.language in language_codes():
        return user.language
    return cookie_language(request) or settings.LANGUAGE_CODE


def set_language_cookie(response, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
    )


class LanguageMiddleware:
    """After AuthenticationMiddleware: activates the account's or the cookie's language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = request_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ["Cookie"])
        response.headers.setdefault("Content-Language", language)
        return response


@require_POST
def set_language(request):
    """The header's selector: remembers the language in a cookie and, once logged in, on the account."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = request.META.get("HTTP_REFERER", "")
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_url = "/"
    response = HttpResponseRedirect(next_url)
    if language not in language_codes():
        return response
    if request.user.is_authenticated:
        user_language_set(user=request.user, language=language)
    set_language_cookie(response, language)
    return response
