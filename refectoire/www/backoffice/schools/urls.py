from django.urls import path

from refectoire.www.backoffice.schools import views

urlpatterns = [
    path("etablissements/", views.school_list, name="school_list"),
    path("etablissements/nouveau/", views.school_edit, name="school_create"),
    path("etablissements/<uuid:school_uuid>/", views.school_edit, name="school_edit"),
    path("annees/", views.school_year_list, name="school_year_list"),
    path("annees/<uuid:year_uuid>/", views.school_year_detail, name="school_year_detail"),
    path(
        "annees/<uuid:year_uuid>/calendrier/nouveau/", views.calendar_entry_edit, name="calendar_entry_create"
    ),
    path("annees/<uuid:year_uuid>/calendrier/recalculer/", views.calendar_reset, name="calendar_reset"),
    path(
        "annees/<uuid:year_uuid>/calendrier/<uuid:entry_uuid>/",
        views.calendar_entry_edit,
        name="calendar_entry_edit",
    ),
    path(
        "annees/<uuid:year_uuid>/calendrier/<uuid:entry_uuid>/supprimer/",
        views.calendar_entry_delete,
        name="calendar_entry_delete",
    ),
    path("personnel-de-restauration/", views.canteen_staff_list, name="canteen_staff_list"),
    path("personnel-de-restauration/<uuid:staff_uuid>/", views.canteen_staff_edit, name="canteen_staff_edit"),
    path("fermetures/", views.closure_list, name="closure_list"),
    path("fermetures/<uuid:closure_uuid>/supprimer/", views.closure_delete, name="closure_delete"),
]
