from django.urls import path

from refectoire.www.portal.household import views

urlpatterns = [
    path("mon-entourage/", views.household, name="household"),
    path("mon-entourage/valider/", views.household_submit, name="household_submit"),
    path("mon-entourage/parent-isole/", views.single_parent, name="household_single_parent"),
    path("mon-entourage/co-representant/", views.co_guardian_add, name="household_co_guardian_add"),
    path(
        "mon-entourage/representant/<uuid:guardian_uuid>/",
        views.guardian_edit,
        name="household_guardian_edit",
    ),
    path(
        "mon-entourage/representant/<uuid:guardian_uuid>/retirer/",
        views.guardian_remove,
        name="household_guardian_remove",
    ),
    path("mon-entourage/enfant/", views.child_edit, name="household_child_add"),
    path("mon-entourage/enfant/<uuid:child_uuid>/", views.child_edit, name="household_child_edit"),
    path(
        "mon-entourage/enfant/<uuid:child_uuid>/retirer/", views.child_remove, name="household_child_remove"
    ),
    path("profil/", views.profile, name="household_profile"),
    path("ma-famille/", views.family, name="family"),
    path("ma-famille/ajouter/<slug:kind>/", views.member_add, name="family_member_add"),
    path("ma-famille/documents/<uuid:document_uuid>/", views.family_document, name="family_document"),
]
