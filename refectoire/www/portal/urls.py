from django.urls import include, path

from refectoire.www.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("tarif/", include("refectoire.www.portal.urls_tariff")),
    path("", include("refectoire.www.portal.urls_household")),
    path("", include("refectoire.www.portal.urls_stays")),
    path("", include("refectoire.www.portal.urls_enrollment")),
    path("", include("refectoire.www.portal.urls_requests")),
    path("", include("refectoire.www.portal.urls_invoices")),
]
