"""The parent's conversations with the Caisse and the FAQ (included from portal/urls.py)."""

from django.urls import path

from refectoire.www.portal.messages import views

urlpatterns = [
    path("messages/", views.conversation_list, name="conversation_list"),
    path("messages/nouveau/", views.conversation_create, name="conversation_create"),
    path("messages/<uuid:conversation_uuid>/", views.conversation_detail, name="conversation_detail"),
    path("questions-frequentes/", views.faq, name="faq"),
]
