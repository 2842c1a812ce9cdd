"""The back office, below /<caisse>/agent/: one package per journey, each with its urls.py."""

from django.urls import include, path

from refectoire.www.backoffice import views

app_name = "backoffice"

urlpatterns = [
    path("", views.home, name="home"),
    path("caisse/", views.caisse_profile, name="caisse_profile"),
    path("cgu/", views.cgu_edit, name="cgu_edit"),
    path("actualites/", views.news_list, name="news_list"),
    path("actualites/nouvelle/", views.news_edit, name="news_create"),
    path("actualites/<uuid:news_uuid>/", views.news_edit, name="news_edit"),
    path("actualites/<uuid:news_uuid>/supprimer/", views.news_delete, name="news_delete"),
    path("", include("refectoire.www.backoffice.household.urls")),
    path("", include("refectoire.www.backoffice.stays.urls")),
    path("", include("refectoire.www.backoffice.adult_meals.urls")),
    path("", include("refectoire.www.backoffice.enrollment.urls")),
    path("", include("refectoire.www.backoffice.absences.urls")),
    path("", include("refectoire.www.backoffice.schools.urls")),
    path("tarifs/", include("refectoire.www.backoffice.tariff.urls")),
    path("", include("refectoire.www.backoffice.requests.urls")),
    path("", include("refectoire.www.backoffice.messages.urls")),
    path("", include("refectoire.www.backoffice.documents.urls")),
    path("", include("refectoire.www.backoffice.billing.urls")),
    path("", include("refectoire.www.backoffice.exports.urls")),
    path("", include("refectoire.www.backoffice.privacy.urls")),
    path("", include("refectoire.www.backoffice.directdebit.urls")),
    path("", include("refectoire.www.backoffice.menus.urls")),
    path("", include("refectoire.www.backoffice.api_tokens.urls")),
]
