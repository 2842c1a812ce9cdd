"""An adult's own meals at the school canteen (included from portal/urls.py)."""

from django.urls import path

from refectoire.www.portal.adult_meals import views

urlpatterns = [
    path("restauration-adulte/", views.adult_meals_home, name="adult_meals"),
    path(
        "restauration-adulte/<uuid:registration_uuid>/fin/",
        views.adult_registration_end_view,
        name="adult_registration_end",
    ),
    path(
        "restauration-adulte/<uuid:registration_uuid>/annuler/",
        views.adult_registration_cancel_view,
        name="adult_registration_cancel",
    ),
]
