"""Tenancy: the first segment of the path names the Caisse; and the themed 503 page.

`/cde11/agent/` is served by the Caisse URLconf (settings.CAISSE_URLCONF) with the path
`/agent/`, `request.caisse` set, and the script prefix `/cde11/`, so that every `reverse()`
made during the request (ours and django-allauth's) stays inside the Caisse. A first
segment that names no active Caisse falls through to the site URLconf, where it is a 404.
"""

import re
import sys

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.template.loader import get_template
from django.urls import set_script_prefix
from django.utils.safestring import mark_safe

from refectoire.caisses.models import RESERVED_SLUGS, Caisse
from refectoire.caisses.theme import DEFAULT_PRIMARY, palette_css
from refectoire.core import reference


class CaisseMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.caisse = None
        base = request.META.get("SCRIPT_NAME", "").rstrip("/") + "/"
        set_script_prefix(base)
        segment, _, rest = request.path_info.lstrip("/").partition("/")
        if not segment or segment in RESERVED_SLUGS or "\x00" in segment:
            return self.get_response(request)
        handle = reference.request_begin()
        try:
            caisse = active_caisse(segment)
            if caisse is not None:
                if not rest and not request.path_info.endswith("/"):
                    return HttpResponsePermanentRedirect(request.path + "/")
                request.caisse = caisse
                request.urlconf = settings.CAISSE_URLCONF
                request.path_info = "/" + rest
                set_script_prefix(f"{base}{caisse.slug}/")
            return self.get_response(request)
        finally:
            reference.request_end(handle)


def active_caisse(slug):
    """The active Caisse named `slug`, from the process's reference cache (core/reference.py)."""
    return reference.cached("caisse", None, slug, lambda: Caisse.objects.active().filter(slug=slug).first())


DATABASE_ERRORS = (OperationalError, InterfaceError)


def _note_database_error(sender, request=None, **kwargs):
    """Django is handling an uncaught exception (anywhere: a view, a middleware): is it the database?"""
    error = sys.exc_info()[1]
    if request is not None and isinstance(error, DATABASE_ERRORS):
        request.database_unavailable = True


class DatabaseUnavailableMiddleware:
    """The database unreachable (restarted, failed over): a French 503 page, not a 500.

    The transaction of the request died with its connection, so nothing is half-written; Django
    drops the broken connection at the end of the request and the next one opens a new one, so
    the service comes back by itself. The page is rendered without the database: it shows the
    Caisse's name and colour only when the Caisse was read before the failure.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        got_request_exception.connect(_note_database_error, dispatch_uid="refectoire-database-unavailable")

    def __call__(self, request):
        try:
            response = self.get_response(request)
        except DATABASE_ERRORS:
            return self.unavailable(request)
        if (
            getattr(request, "database_unavailable", False)
            and response.status_code == 500
            and not settings.DEBUG
        ):
            return self.unavailable(request)
        return response

    def unavailable(self, request):
        caisse = getattr(request, "caisse", None)
        # No request: no context processor reads the database; the theme's colours are worked out here.
        colour = caisse.accent_colour if caisse is not None else None
        if not re.fullmatch(r"#[0-9a-fA-F]{6}", colour or ""):
            colour = DEFAULT_PRIMARY
        body = get_template("503.html").render(
            {"caisse": caisse, "theme_colour": colour, "theme_css": mark_safe(palette_css(colour))}  # noqa: S308 (hex only)
        )
        response = HttpResponse(body, status=503)
        response["Retry-After"] = "30"
        response["Cache-Control"] = "no-store"
        return response
