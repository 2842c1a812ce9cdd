from django.urls import path

from refectoire.www.portal import views_enrollment as views
from refectoire.www.portal import views_enrollment_absences as absences

urlpatterns = [
    path("inscription/", views.enrollment_list, name="enrollment_list"),
    path("inscription/<uuid:child_uuid>/<uuid:year_uuid>/", views.enrollment_form, name="enrollment_form"),
    path("inscription/<uuid:enrollment_uuid>/", views.enrollment_done, name="enrollment_done"),
    path("inscription/<uuid:enrollment_uuid>/rythme/", views.rhythm_change, name="rhythm_change"),
    path(
        "inscription/<uuid:enrollment_uuid>/desinscription/",
        views.enrollment_cancel,
        name="enrollment_cancel",
    ),
    path("planning/<uuid:enrollment_uuid>/", views.planning, name="planning"),
    path("absences/", absences.absence_list, name="absence_list"),
    path("absences/signaler/", absences.absence_create, name="absence_create"),
    path("absences/<uuid:absence_uuid>/annuler/", absences.absence_cancel, name="absence_cancel"),
    path("planning/flux/<str:token>.ics", views.planning_feed, name="planning_feed"),
]
