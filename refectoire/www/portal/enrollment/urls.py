from django.urls import path

from refectoire.www.portal.enrollment import views

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
    path("planning/flux/<str:token>.ics", views.planning_feed, name="planning_feed"),
]
