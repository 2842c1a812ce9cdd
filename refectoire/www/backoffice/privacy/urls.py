"""Personal data in the back office: settings, households due for anonymisation and their holds,
erasure requests, and the agents' access log."""

from django.urls import path

from refectoire.www.backoffice.privacy import views

urlpatterns = [
    path("donnees-personnelles/", views.settings_edit, name="privacy_settings"),
    path("donnees-personnelles/anonymisation/", views.due_list, name="privacy_due"),
    path(
        "donnees-personnelles/anonymisation/<uuid:household_uuid>/suspendre/",
        views.hold_set,
        name="privacy_hold",
    ),
    path(
        "donnees-personnelles/suspensions/<uuid:hold_uuid>/lever/", views.hold_lift, name="privacy_hold_lift"
    ),
    path("donnees-personnelles/suppressions/", views.erasure_list, name="privacy_erasures"),
    path(
        "donnees-personnelles/suppressions/<uuid:erasure_uuid>/", views.erasure_decide, name="privacy_erasure"
    ),
    path("journal-des-consultations/", views.access_log, name="access_log"),
    path("journal-des-consultations/export.csv", views.access_log_csv, name="access_log_csv"),
]
