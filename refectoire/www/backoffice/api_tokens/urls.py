from django.urls import path

from refectoire.www.backoffice.api_tokens import views

urlpatterns = [
    path("api/jetons/", views.token_list, name="api_token_list"),
    path("api/jetons/<uuid:token_uuid>/", views.token_detail, name="api_token_detail"),
    path("api/jetons/<uuid:token_uuid>/revoquer/", views.token_revoke, name="api_token_revoke"),
]
