"""The parent's absences (included from portal/urls.py)."""

from django.urls import path

from refectoire.www.portal.absences import views

urlpatterns = [
    path("absences/", views.absence_list, name="absence_list"),
    path("absences/signaler/", views.absence_create, name="absence_create"),
    path("absences/<uuid:absence_uuid>/annuler/", views.absence_cancel, name="absence_cancel"),
]
