"""The parent's menus, PAI and meal options (included from portal/urls.py)."""

from django.urls import path

from refectoire.www.portal.menus import views

urlpatterns = [
    path("menus/", views.menus, name="menus"),
    path("pai/", views.pai_list, name="pai_list"),
    path("pai/declarer/", views.pai_declare, name="pai_declare"),
    path("pai/<uuid:pai_uuid>/annuler/", views.pai_cancel, name="pai_cancel"),
    path("options-de-repas/", views.meal_options, name="meal_options"),
]
