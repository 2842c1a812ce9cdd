from django.urls import path

from refectoire.www.backoffice.exports import views

urlpatterns = [
    path(
        "facturation/periodes/<uuid:period_uuid>/export/<str:fmt>/",
        views.period_export,
        name="billing_export",
    ),
    path("facturation/exports/", views.exports, name="billing_exports"),
]
