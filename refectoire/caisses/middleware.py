"""Tenancy: the first segment of the path names the Caisse.

`/cde11/agent/` is served by the Caisse URLconf (settings.CAISSE_URLCONF) with the path
`/agent/`, `request.caisse` set, and the script prefix `/cde11/`, so that every `reverse()`
made during the request (ours and django-allauth's) stays inside the Caisse. A first
segment that names no active Caisse falls through to the site URLconf, where it is a 404.
"""

from django.conf import settings
from django.http import HttpResponsePermanentRedirect
from django.urls import set_script_prefix

from refectoire.caisses.models import RESERVED_SLUGS, Caisse


class CaisseMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.caisse = None
        base = request.META.get("SCRIPT_NAME", "").rstrip("/") + "/"
        set_script_prefix(base)
        segment, _, rest = request.path_info.lstrip("/").partition("/")
        if segment and segment not in RESERVED_SLUGS and "\x00" not in segment:
            caisse = Caisse.objects.active().filter(slug=segment).first()
            if caisse is not None:
                if not rest and not request.path_info.endswith("/"):
                    return HttpResponsePermanentRedirect(request.path + "/")
                request.caisse = caisse
                request.urlconf = settings.CAISSE_URLCONF
                request.path_info = "/" + rest
                set_script_prefix(f"{base}{caisse.slug}/")
        return self.get_response(request)
