"""Conversations with families and the FAQ in the back office (included from backoffice/urls.py)."""

from django.urls import path

from refectoire.www.backoffice.messages import views

urlpatterns = [
    path("messages/", views.conversation_list, name="conversation_list"),
    path("messages/nouveau/", views.conversation_create, name="conversation_create"),
    path("messages/<uuid:conversation_uuid>/", views.conversation_detail, name="conversation_detail"),
    path("questions-frequentes/", views.faq_list, name="faq_list"),
    path("questions-frequentes/nouvelle/", views.faq_edit, name="faq_create"),
    path("questions-frequentes/<uuid:entry_uuid>/", views.faq_edit, name="faq_edit"),
    path("questions-frequentes/<uuid:entry_uuid>/supprimer/", views.faq_delete, name="faq_delete"),
]
