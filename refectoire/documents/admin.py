from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from refectoire.documents.models import Document, DocumentDeletion, RetentionPolicy


@admin.register(Document)
class DocumentAdmin(SimpleHistoryAdmin):
    list_display = ["uuid", "caisse", "kind", "original_name", "content_type", "retain_until", "deleted_at"]
    list_filter = ["caisse", "kind"]
    raw_id_fields = ["household", "uploaded_by"]
    exclude = ["file"]


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(SimpleHistoryAdmin):
    list_display = ["caisse", "closed_request_days"]


@admin.register(DocumentDeletion)
class DocumentDeletionAdmin(admin.ModelAdmin):
    list_display = ["original_name", "caisse", "deleted_at", "reason"]
    list_filter = ["caisse"]
