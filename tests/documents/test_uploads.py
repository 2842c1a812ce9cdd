"""Uploads are judged by their content: what is refused, and what the parent reads next to the field."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from refectoire.documents.models import Document
from refectoire.documents.services import document_store
from tests.requests.factories import pdf_bytes, png_bytes

pytestmark = pytest.mark.django_db

REFUSED = {
    "renamed_executable": (
        "certificat.pdf",
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200,
        "Ce type de fichier n'est pas accepté. Formats acceptés : PDF, JPEG, PNG.",
    ),
    "encrypted_pdf": (
        "certificat.pdf",
        pdf_bytes(encrypt=True),
        "Ce PDF est protégé par un mot de passe : envoyez une version sans protection.",
    ),
    "polyglot": (
        "photo.pdf",
        b"GIF89a<script>alert(1)</script>" + pdf_bytes(),
        "Ce fichier n'est pas un PDF lisible : enregistrez le document de nouveau en PDF, puis envoyez-le.",
    ),
    "eleven_megabytes": (
        "gros.pdf",
        pdf_bytes() + b"\x00" * (11 * 1024 * 1024),
        (
            "Ce fichier dépasse 10 Mo : réduisez sa taille (une photo moins grande, un PDF compressé), puis "
            "envoyez-le de nouveau."
        ),
    ),
    "empty": ("vide.pdf", b"", "Ce fichier est vide : choisissez le bon fichier et envoyez-le de nouveau."),
}


@pytest.mark.parametrize("case", REFUSED)
def test_the_store_refuses_and_keeps_nothing(case, cde11, household_a):
    name, content, message = REFUSED[case]
    with pytest.raises(ValidationError) as error:
        document_store(
            caisse=cde11,
            household=household_a,
            uploaded_file=SimpleUploadedFile(name, content),
            kind="attachment",
        )
    assert error.value.messages == [message]
    assert not Document.objects.exists()


@pytest.mark.parametrize("case", ["renamed_executable", "encrypted_pdf", "polyglot", "eleven_megabytes"])
def test_the_request_form_shows_the_refusal_next_to_the_field(
    case, client, curl, cde11, parent_a, household_a
):
    name, content, message = REFUSED[case]
    client.force_login(parent_a)
    response = client.post(
        curl(cde11, "portal:request_create", kind_slug="correction"),
        {"text": "Une erreur", "attachment": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "fr-error-text" in html
    assert message.replace("'", "&#x27;") in html
    assert "Une erreur" in html  # the typed text is kept
    assert not household_a.requests.exists()


def test_an_empty_file_in_a_form_is_refused(client, curl, cde11, parent_a, household_a):
    client.force_login(parent_a)
    response = client.post(
        curl(cde11, "portal:conversation_create"),
        {"subject": "x", "body": "y", "attachment": SimpleUploadedFile("vide.pdf", b"")},
    )
    assert response.status_code == 200
    assert not household_a.conversations.exists()


def test_a_pdf_and_a_png_are_stored_under_a_random_name(cde11, household_a):
    pdf = document_store(
        caisse=cde11,
        household=household_a,
        uploaded_file=SimpleUploadedFile("Mon certificat.pdf", pdf_bytes()),
        kind="medical_certificate",
    )
    png = document_store(
        caisse=cde11,
        household=household_a,
        uploaded_file=SimpleUploadedFile("photo.png", png_bytes()),
        kind="medical_certificate",
    )
    assert pdf.content_type == "application/pdf" and png.content_type == "image/png"
    assert "certificat" not in pdf.file.name
    assert pdf.original_name == "Mon certificat.pdf"
