from django.urls import path

from refectoire.www.backoffice.household import views

urlpatterns = [
    path("foyers/", views.household_queue, name="household_queue"),
    path("foyers/recherche/", views.household_search, name="household_search"),
    path("foyers/import/", views.household_import, name="household_import"),
    path("foyers/lettres-cles.pdf", views.service_key_letters, name="household_key_letters"),
    path("foyers/<uuid:household_uuid>/", views.household_detail, name="household_detail"),
    path("foyers/<uuid:household_uuid>/valider/", views.household_validate, name="household_validate"),
    path(
        "foyers/<uuid:household_uuid>/correction/",
        views.household_ask_correction,
        name="household_correction",
    ),
    path("foyers/<uuid:household_uuid>/refuser/", views.household_reject, name="household_reject"),
    path(
        "foyers/<uuid:household_uuid>/ajouts/<uuid:change_uuid>/valider/",
        views.change_accept,
        name="household_change_accept",
    ),
    path(
        "foyers/<uuid:household_uuid>/ajouts/<uuid:change_uuid>/refuser/",
        views.change_refuse,
        name="household_change_refuse",
    ),
    path(
        "foyers/<uuid:household_uuid>/representant/<uuid:guardian_uuid>/",
        views.guardian_edit,
        name="household_guardian_edit",
    ),
    path("foyers/<uuid:household_uuid>/enfant/", views.child_edit, name="household_child_add"),
    path(
        "foyers/<uuid:household_uuid>/enfant/<uuid:child_uuid>/",
        views.child_edit,
        name="household_child_edit",
    ),
    path(
        "foyers/<uuid:household_uuid>/documents/<uuid:document_uuid>/",
        views.household_document,
        name="household_document",
    ),
]
