from django.urls import path

from refectoire.www.backoffice import views_adult_meals, views_stays

urlpatterns = [
    path("sejours/", views_stays.stays_list, name="stays_list"),
    path("sejours/nouveau/", views_stays.stay_edit, name="stay_create"),
    path("sejours/<uuid:stay_uuid>/", views_stays.stay_detail, name="stay_detail"),
    path("sejours/<uuid:stay_uuid>/modifier/", views_stays.stay_edit, name="stay_edit"),
    path("sejours/<uuid:stay_uuid>/attribuer/", views_stays.stay_allocate, name="stay_allocate"),
    path("sejours/<uuid:stay_uuid>/photos/", views_stays.stay_photo_add, name="stay_photo_add"),
    path(
        "sejours/<uuid:stay_uuid>/participants.csv",
        views_stays.stay_participants_csv,
        name="stay_participants_csv",
    ),
    path(
        "sejours/choix/<uuid:choice_uuid>/refuser/", views_stays.stay_choice_refuse, name="stay_choice_refuse"
    ),
    path(
        "sejours/choix/<uuid:choice_uuid>/annuler/", views_stays.stay_choice_cancel, name="stay_choice_cancel"
    ),
    path("sejours/pieces/<uuid:document_uuid>/", views_stays.stay_document, name="stay_document"),
    path("restauration-adulte/", views_adult_meals.adult_meals_list, name="adult_meals_list"),
    path(
        "restauration-adulte/<uuid:registration_uuid>/",
        views_adult_meals.adult_registration_detail,
        name="adult_registration_detail",
    ),
    path(
        "restauration-adulte/<uuid:registration_uuid>/valider/",
        views_adult_meals.adult_registration_validate,
        name="adult_registration_validate",
    ),
    path(
        "restauration-adulte/<uuid:registration_uuid>/refuser/",
        views_adult_meals.adult_registration_reject,
        name="adult_registration_reject",
    ),
    path(
        "restauration-adulte/<uuid:registration_uuid>/repas/",
        views_adult_meals.adult_extra_meals_record,
        name="adult_extra_meals_record",
    ),
    path(
        "restauration-adulte/<uuid:registration_uuid>/fin/",
        views_adult_meals.adult_registration_end,
        name="adult_registration_end",
    ),
]
