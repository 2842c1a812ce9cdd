"""Absences in the back office: the record, the rules (included from backoffice/urls.py)."""

from django.urls import path

from refectoire.www.backoffice.absences import views

urlpatterns = [
    path("absences/", views.absence_list, name="absence_list"),
    path("absences/nouvelle/", views.absence_record, name="absence_record"),
    path("absences/regles/", views.absence_rules, name="absence_rules"),
    path("absences/<uuid:absence_uuid>/", views.absence_detail, name="absence_detail"),
]
