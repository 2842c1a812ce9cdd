"""Requests, conversations, FAQ and documents in the back office (included from backoffice/urls.py)."""

from django.urls import path

from refectoire.www.backoffice import views_messages, views_requests

urlpatterns = [
    path("demandes/", views_requests.request_queue, name="request_queue"),
    path("demandes/<uuid:request_uuid>/", views_requests.request_detail, name="request_detail"),
    path("demandes/<uuid:request_uuid>/action/", views_requests.request_act, name="request_act"),
    path("demandes/<uuid:request_uuid>/attribuer/", views_requests.request_assign, name="request_assign"),
    path("messages/", views_messages.conversation_list, name="conversation_list"),
    path("messages/nouveau/", views_messages.conversation_create, name="conversation_create"),
    path(
        "messages/<uuid:conversation_uuid>/", views_messages.conversation_detail, name="conversation_detail"
    ),
    path("questions-frequentes/", views_messages.faq_list, name="faq_list"),
    path("questions-frequentes/nouvelle/", views_messages.faq_edit, name="faq_create"),
    path("questions-frequentes/<uuid:entry_uuid>/", views_messages.faq_edit, name="faq_edit"),
    path("questions-frequentes/<uuid:entry_uuid>/supprimer/", views_messages.faq_delete, name="faq_delete"),
    path("documents/conservation/", views_messages.retention_edit, name="retention_edit"),
    path("documents/<uuid:document_uuid>/", views_messages.document_download, name="document_download"),
]
