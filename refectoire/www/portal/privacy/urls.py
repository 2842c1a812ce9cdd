"""« Mes données »: export of the family's data and the request to close the account."""

from django.urls import path

from refectoire.www.portal.privacy import views

urlpatterns = [
    path("mes-donnees/", views.privacy, name="privacy"),
    path("mes-donnees/export/", views.export_request, name="privacy_export_request"),
    path("mes-donnees/export/etat/", views.export_status, name="privacy_export_status"),
    path("mes-donnees/export/<uuid:export_uuid>/", views.export_download, name="privacy_export_download"),
    path("mes-donnees/suppression/", views.erasure_request, name="privacy_erasure_request"),
    path("mes-donnees/suppression/annuler/", views.erasure_cancel, name="privacy_erasure_cancel"),
]
