"""URLs of one Caisse, below its slug: /cde11/... (see caisses/middleware.py)."""

from django.urls import include, path

from refectoire.www import i18n
from refectoire.www.api import urls as api_urls
from refectoire.www.oidc import views as oidc_views
from refectoire.www.public import views as public_views

urlpatterns = [
    path("", include("refectoire.www.public.urls")),
    path("compte/inscription/conditions/", public_views.signup_cgu, name="signup_cgu"),
    path("compte/signup/", public_views.signup, name="account_signup"),
    path("compte/active/", public_views.account_activated, name="account_activated"),
    # Before allauth's: logging out also ends the session of the OpenID Connect provider.
    path("compte/logout/", oidc_views.logout, name="account_logout"),
    path("compte/", include("allauth.urls")),
    path("langue/", i18n.set_language, name="set_language"),
    path("mon-espace/", include("refectoire.www.portal.urls")),
    path("agent/", include("refectoire.www.backoffice.urls")),
    path("api/v1/", api_urls.urls),
]

handler400 = "refectoire.www.errors.bad_request"
handler500 = "refectoire.www.errors.server_error"
