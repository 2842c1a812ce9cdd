"""The household's documents (included from portal/urls.py)."""

from django.urls import path

from refectoire.www.portal.documents import views

urlpatterns = [
    path("documents/", views.document_list, name="document_list"),
    path("documents/<uuid:document_uuid>/", views.document_download, name="document_download"),
]
