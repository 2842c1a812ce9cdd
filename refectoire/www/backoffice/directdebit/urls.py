"""« Prélèvements » (included from backoffice/urls.py)."""

from django.urls import path

from refectoire.www.backoffice.directdebit import views

urlpatterns = [
    path("prelevements/", views.directdebit_home, name="directdebit_home"),
    path("prelevements/reglages/", views.sepa_settings, name="directdebit_settings"),
    path("prelevements/mandats/<uuid:mandate_uuid>/", views.mandate_detail, name="directdebit_mandate"),
    path(
        "prelevements/mandats/<uuid:mandate_uuid>/iban/", views.mandate_iban, name="directdebit_mandate_iban"
    ),
    path(
        "prelevements/mandats/<uuid:mandate_uuid>/revoquer/",
        views.mandate_revoke,
        name="directdebit_mandate_revoke",
    ),
    path(
        "prelevements/mandats/<uuid:mandate_uuid>/reprendre/",
        views.mandate_reactivate,
        name="directdebit_mandate_reactivate",
    ),
    path("prelevements/periodes/<uuid:period_uuid>/", views.batch_detail, name="directdebit_batch"),
    path(
        "prelevements/periodes/<uuid:period_uuid>/fichier/",
        views.batch_download,
        name="directdebit_batch_file",
    ),
    path("prelevements/sejours/", views.stays_batches, name="directdebit_stays"),
    path("prelevements/sejours/<uuid:batch_uuid>/", views.stays_batch_detail, name="directdebit_stays_batch"),
    path(
        "prelevements/sejours/<uuid:batch_uuid>/fichier/",
        views.stays_batch_download,
        name="directdebit_stays_batch_file",
    ),
    path(
        "prelevements/factures/<uuid:invoice_uuid>/annuler/",
        views.debit_cancel,
        name="directdebit_debit_cancel",
    ),
    path("prelevements/debits/<uuid:debit_uuid>/rejet/", views.debit_reject, name="directdebit_debit_reject"),
    path("prelevements/retours/", views.returns_upload, name="directdebit_returns"),
    path(
        "prelevements/remboursements/<uuid:refund_uuid>/", views.refund_done, name="directdebit_refund_done"
    ),
]
