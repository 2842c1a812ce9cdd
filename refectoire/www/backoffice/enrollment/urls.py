from django.urls import path

from refectoire.www.backoffice.enrollment import views

urlpatterns = [
    path("inscriptions/", views.enrollment_list, name="enrollment_list"),
    path("inscriptions/<uuid:enrollment_uuid>/", views.enrollment_detail, name="enrollment_detail"),
    path(
        "inscriptions/<uuid:enrollment_uuid>/calendrier-de-garde/",
        views.custody_document,
        name="enrollment_custody_document",
    ),
    path("changements-de-rythme/", views.rhythm_change_list, name="rhythm_change_list"),
    path(
        "changements-de-rythme/<uuid:change_uuid>/", views.rhythm_change_decide, name="rhythm_change_decide"
    ),
    path("garde-alternee/a-completer/", views.custody_to_complete, name="custody_to_complete"),
    path("garde-alternee/<uuid:link_uuid>/", views.custody_weeks, name="custody_weeks"),
    path("effectifs/", views.forecast, name="forecast"),
    path("pointage/", views.attendance, name="attendance"),
    path("pointage/imprimer/", views.attendance_print, name="attendance_print"),
]
