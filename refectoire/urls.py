"""Site-wide URLs. A Caisse's pages live in urls_caisse.py, below its slug."""

from django.contrib import admin
from django.urls import path

from refectoire.www import health, i18n
from refectoire.www.public import views as public_views

urlpatterns = [
    path("", public_views.caisse_list, name="caisse_list"),
    path("admin/", admin.site.urls),
    path("langue/", i18n.set_language, name="set_language"),
    path("health/", health.live, name="health"),
    path("health/live/", health.live, name="health_live"),
    path("health/ready/", health.ready, name="health_ready"),
    path("dev/outbox/", public_views.outbox, name="dev_outbox"),
    path("dev/outbox/<int:pk>/", public_views.outbox_detail, name="dev_outbox_detail"),
]

handler400 = "refectoire.www.errors.bad_request"
handler500 = "refectoire.www.errors.server_error"
