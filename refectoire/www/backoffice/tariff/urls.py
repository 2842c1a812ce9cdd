"""The agents' tariff screens, below /<caisse>/agent/tarifs/ (names in the `backoffice` namespace)."""

from django.urls import path

from refectoire.www.backoffice.tariff import views

urlpatterns = [
    path("demandes/", views.tariff_requests, name="tariff_requests"),
    path("demandes/<uuid:request_uuid>/", views.tariff_request_detail, name="tariff_request"),
    path(
        "demandes/<uuid:request_uuid>/justificatifs/<uuid:document_uuid>/",
        views.tariff_request_proof,
        name="tariff_request_proof",
    ),
    path("demandes/<uuid:request_uuid>/prendre/", views.tariff_request_take, name="tariff_request_take"),
    path(
        "demandes/<uuid:request_uuid>/decider/",
        views.tariff_request_decide,
        name="tariff_request_decide",
    ),
    path(
        "demandes/<uuid:request_uuid>/complement/",
        views.tariff_request_complement,
        name="tariff_request_complement",
    ),
    path(
        "demandes/<uuid:request_uuid>/refuser/",
        views.tariff_request_refuse,
        name="tariff_request_refuse",
    ),
    path("sans-tarif/", views.tariff_households_without, name="tariff_households_without"),
    path("export.csv", views.tariff_export, name="tariff_export"),
    path("grilles/", views.tariff_grids, name="tariff_grids"),
    path("grilles/nouvelle/", views.tariff_grid_create, name="tariff_grid_create"),
    path("grilles/<uuid:grid_uuid>/", views.tariff_grid_edit, name="tariff_grid_edit"),
    path("grilles/<uuid:grid_uuid>/copier/", views.tariff_grid_copy, name="tariff_grid_copy"),
    path("reglages/", views.tariff_settings, name="tariff_settings"),
]
