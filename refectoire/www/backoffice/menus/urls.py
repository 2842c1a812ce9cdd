"""Menus, meal options and PAI in the back office (included from backoffice/urls.py)."""

from django.urls import path

from refectoire.www.backoffice.menus import views

urlpatterns = [
    path("menus/", views.menus_home, name="menus_home"),
    path("menus/groupes/nouveau/", views.menu_group_edit, name="menu_group_create"),
    path("menus/groupes/<uuid:group_uuid>/", views.menu_group_edit, name="menu_group_edit"),
    path("menus/<uuid:group_uuid>/<str:monday>/", views.menu_week_edit, name="menu_week"),
    path("menus/<uuid:group_uuid>/<str:monday>/copier/", views.menu_week_copy, name="menu_week_copy"),
    path("menus/<uuid:group_uuid>/<str:monday>/publier/", views.menu_week_publish, name="menu_week_publish"),
    path("menus/egalim/", views.egalim, name="egalim"),
    path("menus/egalim.csv", views.egalim_csv, name="egalim_csv"),
    path("options-de-repas/", views.meal_options, name="meal_options"),
    path("pai/", views.pai_list, name="pai_list"),
    path("pai/<uuid:pai_uuid>/", views.pai_detail, name="pai_detail"),
    path("pai/<uuid:pai_uuid>/document/", views.pai_document, name="pai_document"),
]
