"""The Caisse's logo and favicon: public, like the welcome page they appear on."""

from django.http import Http404, HttpResponse
from django.views.decorators.http import condition, require_GET

from refectoire.caisses.branding import favicon_png, logo_content_type


def _last_modified(request, **kwargs):
    return request.caisse.updated_at


def _cached(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_GET
@condition(last_modified_func=_last_modified)
def logo(request):
    caisse = request.caisse
    if not caisse.logo:
        raise Http404
    with caisse.logo.open("rb") as file:
        response = HttpResponse(file.read(), content_type=logo_content_type(caisse))
    return _cached(response)


@require_GET
@condition(last_modified_func=_last_modified)
def favicon(request):
    return _cached(HttpResponse(favicon_png(request.caisse), content_type="image/png"))
