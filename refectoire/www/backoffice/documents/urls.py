"""Documents in the back office: retention periods and downloads (included from backoffice/urls.py)."""

from django.urls import path

from refectoire.www.backoffice.documents import views

urlpatterns = [
    path("documents/conservation/", views.retention_edit, name="retention_edit"),
    path("documents/<uuid:document_uuid>/", views.document_download, name="document_download"),
]
