from django.urls import path

from refectoire.www.portal import views_adult_meals, views_stays

urlpatterns = [
    path("sejours/", views_stays.stays_home, name="stays_home"),
    path("sejours/<uuid:stay_uuid>/", views_stays.stay_detail, name="stay_detail"),
    path("sejours/photos/<uuid:photo_uuid>/", views_stays.stay_photo, name="stay_photo"),
    path("sejours/enfants/<uuid:child_uuid>/fiche/", views_stays.stay_profile_edit, name="stay_profile_edit"),
    path("sejours/enfants/<uuid:child_uuid>/demande/", views_stays.stay_apply, name="stay_apply"),
    path("sejours/demandes/<uuid:application_uuid>/", views_stays.stay_application, name="stay_application"),
    path(
        "sejours/choix/<uuid:choice_uuid>/confirmer/",
        views_stays.stay_choice_confirm,
        name="stay_choice_confirm",
    ),
    path(
        "sejours/choix/<uuid:choice_uuid>/desister/",
        views_stays.stay_choice_withdraw,
        name="stay_choice_withdraw",
    ),
    path("restauration-adulte/", views_adult_meals.adult_meals_home, name="adult_meals"),
    path(
        "restauration-adulte/<uuid:registration_uuid>/fin/",
        views_adult_meals.adult_registration_end_view,
        name="adult_registration_end",
    ),
    path(
        "restauration-adulte/<uuid:registration_uuid>/annuler/",
        views_adult_meals.adult_registration_cancel_view,
        name="adult_registration_cancel",
    ),
]
