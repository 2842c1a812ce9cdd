from django.urls import path

from refectoire.www.backoffice.billing import views

urlpatterns = [
    path("facturation/", views.billing_home, name="billing_home"),
    path("facturation/periodes/nouvelle/", views.period_edit, name="billing_period_create"),
    path("facturation/periodes/<uuid:period_uuid>/", views.period_edit, name="billing_period_edit"),
    path("facturation/periodes/<uuid:period_uuid>/facturation/", views.run_detail, name="billing_run"),
    path(
        "facturation/periodes/<uuid:period_uuid>/progression/",
        views.run_progress,
        name="billing_run_progress",
    ),
    path("facturation/periodes/<uuid:period_uuid>/calculer/", views.run_start, name="billing_run_start"),
    path("facturation/periodes/<uuid:period_uuid>/emettre/", views.run_issue, name="billing_run_issue"),
    path("facturation/factures/", views.invoice_search, name="billing_invoices"),
    path("facturation/factures/<uuid:invoice_uuid>/", views.invoice_detail, name="billing_invoice"),
    path("facturation/factures/<uuid:invoice_uuid>/pdf/", views.invoice_pdf_view, name="billing_invoice_pdf"),
    path(
        "facturation/factures/<uuid:invoice_uuid>/paiement/",
        views.payment_create,
        name="billing_payment_create",
    ),
    path(
        "facturation/factures/<uuid:invoice_uuid>/avoir/",
        views.credit_note_create,
        name="billing_credit_note",
    ),
    path(
        "facturation/paiements/<uuid:payment_uuid>/annuler/",
        views.payment_cancel,
        name="billing_payment_cancel",
    ),
    path("facturation/foyers/<uuid:household_uuid>/", views.household_account, name="billing_household"),
    path(
        "facturation/foyers/<uuid:household_uuid>/remboursement/", views.refund_create, name="billing_refund"
    ),
    path("facturation/impayes/", views.unpaid_list, name="billing_unpaid"),
    path("facturation/impayes/relancer/", views.unpaid_remind, name="billing_unpaid_remind"),
    path("facturation/impayes/export.csv", views.unpaid_csv_view, name="billing_unpaid_csv"),
    path("facturation/payfip/", views.payfip_settings, name="billing_payfip"),
    path("facturation/paiements-en-ligne-en-cours/", views.payfip_attempts, name="billing_payfip_attempts"),
    path(
        "facturation/paiements-en-ligne-en-cours/<uuid:operation_uuid>/clore/",
        views.payfip_attempt_close,
        name="billing_payfip_attempt_close",
    ),
]
