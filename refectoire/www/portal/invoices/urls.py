from django.urls import path

from refectoire.www.portal.invoices import payfip, views

urlpatterns = [
    path("factures/", views.invoice_list, name="invoice_list"),
    path("factures/payer/", payfip.invoices_pay_several, name="invoices_pay_several"),
    path("factures/<uuid:invoice_uuid>/", views.invoice_detail, name="invoice_detail"),
    path("factures/<uuid:invoice_uuid>/pdf/", views.invoice_pdf, name="invoice_pdf"),
    path("factures/<uuid:invoice_uuid>/payer/", payfip.invoice_pay, name="invoice_pay"),
    path("paiement/retour/", payfip.payment_return, name="payment_return"),
    path("paiement/notification/", payfip.payfip_notification, name="payfip_notification"),
    path("paiement/simulateur/", payfip.dummy_bank, name="dummy_bank"),
]
