"""The parent's holiday stays (included from portal/urls.py)."""

from django.urls import path

from refectoire.www.portal.stays import views

urlpatterns = [
    path("sejours/", views.stays_home, name="stays_home"),
    path("sejours/<uuid:stay_uuid>/", views.stay_detail, name="stay_detail"),
    path("sejours/photos/<uuid:photo_uuid>/", views.stay_photo, name="stay_photo"),
    path("sejours/enfants/<uuid:child_uuid>/fiche/", views.stay_profile_edit, name="stay_profile_edit"),
    path("sejours/enfants/<uuid:child_uuid>/demande/", views.stay_apply, name="stay_apply"),
    path("sejours/demandes/<uuid:application_uuid>/", views.stay_application, name="stay_application"),
    path(
        "sejours/choix/<uuid:choice_uuid>/confirmer/",
        views.stay_choice_confirm,
        name="stay_choice_confirm",
    ),
    path(
        "sejours/choix/<uuid:choice_uuid>/desister/",
        views.stay_choice_withdraw,
        name="stay_choice_withdraw",
    ),
]
