from django.urls import path

from refectoire.www.portal import views_invoices, views_invoices_payfip

urlpatterns = [
    path("factures/", views_invoices.invoice_list, name="invoice_list"),
    path("factures/payer/", views_invoices_payfip.invoices_pay_several, name="invoices_pay_several"),
    path("factures/<uuid:invoice_uuid>/", views_invoices.invoice_detail, name="invoice_detail"),
    path("factures/<uuid:invoice_uuid>/pdf/", views_invoices.invoice_pdf, name="invoice_pdf"),
    path("factures/<uuid:invoice_uuid>/payer/", views_invoices_payfip.invoice_pay, name="invoice_pay"),
    path("paiement/retour/", views_invoices_payfip.payment_return, name="payment_return"),
    path("paiement/notification/", views_invoices_payfip.payfip_notification, name="payfip_notification"),
    path("paiement/simulateur/", views_invoices_payfip.dummy_bank, name="dummy_bank"),
]
