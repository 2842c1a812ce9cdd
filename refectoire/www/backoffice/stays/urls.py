"""Holiday stays in the back office (included from backoffice/urls.py)."""

from django.urls import path

from refectoire.www.backoffice.stays import views

urlpatterns = [
    path("sejours/", views.stays_list, name="stays_list"),
    path("sejours/nouveau/", views.stay_edit, name="stay_create"),
    path("sejours/<uuid:stay_uuid>/", views.stay_detail, name="stay_detail"),
    path("sejours/<uuid:stay_uuid>/modifier/", views.stay_edit, name="stay_edit"),
    path("sejours/<uuid:stay_uuid>/attribuer/", views.stay_allocate, name="stay_allocate"),
    path("sejours/<uuid:stay_uuid>/photos/", views.stay_photo_add, name="stay_photo_add"),
    path(
        "sejours/<uuid:stay_uuid>/participants.csv",
        views.stay_participants_csv,
        name="stay_participants_csv",
    ),
    path("sejours/choix/<uuid:choice_uuid>/refuser/", views.stay_choice_refuse, name="stay_choice_refuse"),
    path("sejours/choix/<uuid:choice_uuid>/annuler/", views.stay_choice_cancel, name="stay_choice_cancel"),
    path("sejours/pieces/<uuid:document_uuid>/", views.stay_document, name="stay_document"),
]
