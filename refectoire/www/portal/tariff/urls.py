"""The parent's tariff screens, below /<caisse>/mon-espace/tarif/ (names in the `portal` namespace)."""

from django.urls import path

from refectoire.www.portal import views_tariff

urlpatterns = [
    path("", views_tariff.tariff_index, name="tariff_index"),
    path("simulation/", views_tariff.tariff_simulator, name="tariff_simulator"),
    path("<uuid:year_uuid>/", views_tariff.tariff_home, name="tariff"),
    path("<uuid:year_uuid>/demande/", views_tariff.tariff_request_new, name="tariff_request"),
    path("<uuid:year_uuid>/caf/", views_tariff.tariff_caf, name="tariff_caf"),
    path("<uuid:year_uuid>/caf/confirmation/", views_tariff.tariff_caf_confirm, name="tariff_caf_confirm"),
    path("<uuid:year_uuid>/caf/annuler/", views_tariff.tariff_caf_cancel, name="tariff_caf_cancel"),
    path(
        "demande/<uuid:request_uuid>/completer/",
        views_tariff.tariff_request_completion,
        name="tariff_complete",
    ),
    path(
        "demande/<uuid:request_uuid>/retirer/",
        views_tariff.tariff_request_withdrawal,
        name="tariff_withdraw",
    ),
    path(
        "demande/<uuid:request_uuid>/justificatifs/<uuid:document_uuid>/",
        views_tariff.tariff_proof,
        name="tariff_proof",
    ),
]
