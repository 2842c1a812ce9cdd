"""The parent's tariff screens, below /<caisse>/mon-espace/tarif/ (names in the `portal` namespace)."""

from django.urls import path

from refectoire.www.portal.tariff import views

urlpatterns = [
    path("", views.tariff_index, name="tariff_index"),
    path("simulation/", views.tariff_simulator, name="tariff_simulator"),
    path("<uuid:year_uuid>/", views.tariff_home, name="tariff"),
    path("<uuid:year_uuid>/demande/", views.tariff_request_new, name="tariff_request"),
    path("<uuid:year_uuid>/caf/", views.tariff_caf, name="tariff_caf"),
    path("<uuid:year_uuid>/caf/confirmation/", views.tariff_caf_confirm, name="tariff_caf_confirm"),
    path("<uuid:year_uuid>/caf/annuler/", views.tariff_caf_cancel, name="tariff_caf_cancel"),
    path(
        "demande/<uuid:request_uuid>/completer/",
        views.tariff_request_completion,
        name="tariff_complete",
    ),
    path(
        "demande/<uuid:request_uuid>/retirer/",
        views.tariff_request_withdrawal,
        name="tariff_withdraw",
    ),
    path(
        "demande/<uuid:request_uuid>/justificatifs/<uuid:document_uuid>/",
        views.tariff_proof,
        name="tariff_proof",
    ),
]
