from urllib.parse import urlsplit

from django.conf import settings


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def form_origins() -> str:
    """Where our forms may lead: ourselves, the OpenID Connect providers, https payment pages."""
    apps = settings.SOCIALACCOUNT_PROVIDERS.get("openid_connect", {}).get("APPS", [])
    origins = {_origin(app["settings"]["server_url"]) for app in apps}
    origins.update(getattr(settings, "CSP_EXTRA_FORM_ORIGINS", []))
    return " ".join(["https:", *sorted(origins)])


class ContentSecurityPolicyMiddleware:
    """Sends the Content-Security-Policy header (Django 5.2 has none of its own)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = settings.CONTENT_SECURITY_POLICY
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy.replace("{form_origins}", form_origins())
        return response
