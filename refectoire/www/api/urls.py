"""/<caisse>/api/v1/: the API's URLs, each operation's view wrapped to log the call."""

import time
from functools import wraps

from django.utils import timezone

from refectoire.partners.services import api_call_record
from refectoire.www.api.api import api

# The schema and its docs page are not calls of a partner's.
NOT_LOGGED = {"openapi-json", "openapi-view", "api-root"}


def logged(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        started = time.monotonic()
        at = timezone.now()
        response = view(request, *args, **kwargs)
        match = request.resolver_match
        api_call_record(
            caisse=request.caisse,
            token=getattr(request, "api_token", None),
            method=request.method,
            endpoint="/" + (match.route if match else request.path_info.lstrip("/")),
            status=response.status_code,
            at=at,
            duration_ms=int((time.monotonic() - started) * 1000),
        )
        return response

    return wrapper


def _patterns():
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        if getattr(pattern, "name", None) not in NOT_LOGGED:
            pattern.callback = logged(pattern.callback)
    return patterns, app_name, namespace


urls = _patterns()
