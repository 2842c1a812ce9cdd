"""Adults' meals (teachers, staff) in the back office (included from backoffice/urls.py)."""

from django.urls import path

from refectoire.www.backoffice.adult_meals import views

urlpatterns = [
    path("restauration-adulte/", views.adult_meals_list, name="adult_meals_list"),
    path(
        "restauration-adulte/<uuid:registration_uuid>/",
        views.adult_registration_detail,
        name="adult_registration_detail",
    ),
    path(
        "restauration-adulte/<uuid:registration_uuid>/valider/",
        views.adult_registration_validate,
        name="adult_registration_validate",
    ),
    path(
        "restauration-adulte/<uuid:registration_uuid>/refuser/",
        views.adult_registration_reject,
        name="adult_registration_reject",
    ),
    path(
        "restauration-adulte/<uuid:registration_uuid>/repas/",
        views.adult_extra_meals_record,
        name="adult_extra_meals_record",
    ),
    path(
        "restauration-adulte/<uuid:registration_uuid>/fin/",
        views.adult_registration_end,
        name="adult_registration_end",
    ),
]
