"""The parent's requests (included from portal/urls.py)."""

from django.urls import path

from refectoire.www.portal.requests import views

urlpatterns = [
    path("demandes/", views.request_list, name="request_list"),
    path("demandes/nouvelle/", views.request_new, name="request_new"),
    path("demandes/nouvelle/<slug:kind_slug>/", views.request_create, name="request_create"),
    path("demandes/<uuid:request_uuid>/", views.request_detail, name="request_detail"),
    path("demandes/<uuid:request_uuid>/envoyer/", views.request_submit, name="request_submit"),
    path("demandes/<uuid:request_uuid>/annuler/", views.request_cancel, name="request_cancel"),
]
