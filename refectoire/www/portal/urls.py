"""The parents' portal, below /<caisse>/mon-espace/: one package per journey, each with its urls.py."""

from django.urls import include, path

from refectoire.www.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("tarif/", include("refectoire.www.portal.tariff.urls")),
    path("", include("refectoire.www.portal.household.urls")),
    path("", include("refectoire.www.portal.stays.urls")),
    path("", include("refectoire.www.portal.adult_meals.urls")),
    path("", include("refectoire.www.portal.enrollment.urls")),
    path("", include("refectoire.www.portal.absences.urls")),
    path("", include("refectoire.www.portal.requests.urls")),
    path("", include("refectoire.www.portal.messages.urls")),
    path("", include("refectoire.www.portal.documents.urls")),
    path("", include("refectoire.www.portal.invoices.urls")),
    path("", include("refectoire.www.portal.privacy.urls")),
    path("", include("refectoire.www.portal.directdebit.urls")),
    path("", include("refectoire.www.portal.menus.urls")),
]
