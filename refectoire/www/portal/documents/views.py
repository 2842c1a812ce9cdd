""" "Mes documents": the household's documents, served only to its guardians."""

from django.shortcuts import get_object_or_404, render

from refectoire.documents.models import Document
from refectoire.www.files import document_response
from refectoire.www.portal.access import household_required


@household_required
def document_list(request, household):
    documents = Document.objects.for_household(household).available().prefetch_related("requests")
    return render(request, "portal/documents/list.html", {"documents": documents})


@household_required
def document_download(request, household, document_uuid):
    document = get_object_or_404(Document.objects.for_household(household).available(), uuid=document_uuid)
    return document_response(document)
