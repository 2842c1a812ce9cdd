"""Pages of error in French, with the Caisse's look when the address names one.

Django's own 500 page is English and renders without the request; ours renders with it, and
falls back to a plain French page when rendering itself fails (the database may be the cause).
"""

import logging

from django.http import HttpResponseBadRequest, HttpResponseServerError
from django.template import loader
from django.urls import get_urlconf, set_urlconf
from django.views.decorators.csrf import requires_csrf_token

from refectoire.www.api.problems import problem_response

logger = logging.getLogger(__name__)

PLAIN_500 = (
    '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Erreur du serveur</title></head>'
    "<body><h1>Erreur du serveur</h1><p>Le service a rencontré une erreur. Réessayez dans quelques "
    "minutes ; si l'erreur persiste, contactez votre Caisse des écoles.</p></body></html>"
)


def _render(request, template_name, context=None) -> str:
    # Raised from a middleware, the error comes before Django has set the Caisse's URLconf.
    urlconf = getattr(request, "urlconf", None)
    if urlconf and get_urlconf() != urlconf:
        set_urlconf(urlconf)
    return loader.get_template(template_name).render(context or {}, request)


@requires_csrf_token
def bad_request(request, exception, template_name="400.html"):
    if getattr(request, "caisse", None) is not None and request.path_info.startswith("/api/"):
        # The partners' API answers in problem details, never with a page.
        return problem_response(request, 400, "Requête illisible : caractère nul ou encodage invalide.")
    return HttpResponseBadRequest(_render(request, template_name))


@requires_csrf_token
def server_error(request, template_name="500.html"):
    try:
        body = _render(request, template_name)
    except Exception:
        logger.exception("the page of error 500 could not be rendered")
        body = PLAIN_500
    return HttpResponseServerError(body)
