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
    path("", include("refectoire.www.backoffice.urls_households")),
    path("", include("refectoire.www.backoffice.urls_stays")),
    path("", include("refectoire.www.backoffice.urls_enrollment")),
    path("tarifs/", include("refectoire.www.backoffice.urls_tariff")),
    path("", include("refectoire.www.backoffice.urls_requests")),
    path("", include("refectoire.www.backoffice.urls_billing")),
]
