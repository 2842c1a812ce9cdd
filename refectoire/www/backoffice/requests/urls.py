"""Requests in the back office (included from backoffice/urls.py)."""

from django.urls import path

from refectoire.www.backoffice.requests import views

urlpatterns = [
    path("demandes/", views.request_queue, name="request_queue"),
    path("demandes/<uuid:request_uuid>/", views.request_detail, name="request_detail"),
    path("demandes/<uuid:request_uuid>/action/", views.request_act, name="request_act"),
    path("demandes/<uuid:request_uuid>/attribuer/", views.request_assign, name="request_assign"),
]
