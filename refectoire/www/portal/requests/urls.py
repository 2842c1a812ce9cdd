"""Requests, conversations, FAQ and documents of the parent (included from portal/urls.py)."""

from django.urls import path

from refectoire.www.portal import views_documents, views_messages, views_requests

urlpatterns = [
    path("demandes/", views_requests.request_list, name="request_list"),
    path("demandes/nouvelle/", views_requests.request_new, name="request_new"),
    path("demandes/nouvelle/<slug:kind_slug>/", views_requests.request_create, name="request_create"),
    path("demandes/<uuid:request_uuid>/", views_requests.request_detail, name="request_detail"),
    path("demandes/<uuid:request_uuid>/envoyer/", views_requests.request_submit, name="request_submit"),
    path("demandes/<uuid:request_uuid>/annuler/", views_requests.request_cancel, name="request_cancel"),
    path("messages/", views_messages.conversation_list, name="conversation_list"),
    path("messages/nouveau/", views_messages.conversation_create, name="conversation_create"),
    path(
        "messages/<uuid:conversation_uuid>/", views_messages.conversation_detail, name="conversation_detail"
    ),
    path("questions-frequentes/", views_messages.faq, name="faq"),
    path("documents/", views_documents.document_list, name="document_list"),
    path("documents/<uuid:document_uuid>/", views_documents.document_download, name="document_download"),
]
