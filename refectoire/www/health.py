"""/health/ (liveness) and /health/ready/ (readiness) for load balancers and monitoring."""

from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

from refectoire.core.health import readiness


@never_cache
def live(request):
    """The process answers: nothing else is asked (a database outage must not restart it)."""
    return HttpResponse("ok", content_type="text/plain")


@never_cache
def ready(request):
    """503 until the database answers and every migration is applied; the worker and queue are reported."""
    is_ready, checks = readiness()
    degraded = not all(check.get("ok") for check in checks.values())
    status = "ready" if is_ready and not degraded else ("degraded" if is_ready else "unavailable")
    return JsonResponse({"status": status, "checks": checks}, status=200 if is_ready else 503)
