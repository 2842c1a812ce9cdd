"""« Prélèvement automatique » (included from portal/urls.py)."""

from django.urls import path

from refectoire.www.portal.directdebit import views

urlpatterns = [
    path("prelevement/", views.directdebit, name="directdebit"),
    path("prelevement/revoquer/", views.directdebit_revoke, name="directdebit_revoke"),
]
