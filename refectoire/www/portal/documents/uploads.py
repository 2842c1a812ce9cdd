"""Store a form's uploads as the household's documents (requests and conversations)."""

from refectoire.documents.services import document_store


def store_uploads(request, household, form, *names_and_kinds):
    """Store the checked uploads of `form` as Documents; with the reused ones, the attachments."""
    documents = form.reused_documents()
    for name, kind in names_and_kinds:
        uploaded = form.cleaned_data.get(name)
        if uploaded:
            documents.append(
                document_store(
                    caisse=household.caisse,
                    household=household,
                    uploaded_file=uploaded,
                    kind=kind,
                    uploaded_by=request.user,
                )
            )
    return documents
