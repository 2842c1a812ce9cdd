"""Hostile uploads of the probe of issue 13: each is refused with a French message, never a 500,
and what is stored is safe (images re-encoded, downloads named by kind and date)."""

import io
import subprocess
import sys
import time

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from refectoire.core import uploads
from refectoire.core.uploads import inspect_upload
from refectoire.documents.models import Document
from refectoire.documents.services import document_store
from tests.documents import hostile

pytestmark = pytest.mark.django_db

TOO_COMPLEX = (
    "Ce PDF est trop grand ou trop complexe pour être vérifié : imprimez-le en PDF ou scannez-le, "
    "puis envoyez cette version."
)
ACTIVE = (
    "Ce PDF contient du contenu actif (JavaScript, lancement de programme ou fichier joint) : "
    "imprimez-le en PDF puis envoyez cette version."
)
BROKEN_PDF = "Ce PDF est endommagé ou illisible."
TOO_LARGE_JPEG = (
    "Cette image est trop grande (52 millions de pixels au plus) : réduisez-la puis envoyez-la à nouveau."
)
TOO_LARGE_PNG = TOO_LARGE_JPEG.replace("52", "13")
POLYGLOT = "Ce fichier contient autre chose qu'un document PDF ou une image : il est refusé."

REFUSED = {
    "pdf_xref_rebuild_bomb": (hostile.pdf_xref_rebuild_bomb, BROKEN_PDF),
    "pdf_deep_page_tree": (hostile.pdf_deep_page_tree, BROKEN_PDF),
    "pdf_many_kids": (hostile.pdf_many_kids, BROKEN_PDF),
    "pdf_too_many_objects": (lambda: hostile.pdf_plain(10_001), TOO_COMPLEX),
    "pdf_javascript": (hostile.pdf_javascript, ACTIVE),
    "pdf_javascript_escaped_name": (hostile.pdf_javascript_escaped_name, ACTIVE),
    "pdf_launch": (hostile.pdf_launch, ACTIVE),
    "pdf_embedded_exe": (hostile.pdf_embedded_exe, ACTIVE),
    "pdf_zip_polyglot": (hostile.pdf_zip_polyglot, POLYGLOT),
    "png_13300_rgba": (lambda: hostile.png_of_zeros(13_300, 13_300), TOO_LARGE_PNG),
    "png_20000": (lambda: hostile.png_of_zeros(20_000, 20_000, colour_type=2), TOO_LARGE_PNG),
    "png_with_html": (hostile.png_with_html, POLYGLOT),
    "jpeg_with_zip": (hostile.jpeg_with_zip, POLYGLOT),
    "jpeg_claiming_12000_square": (hostile.jpeg_claiming, TOO_LARGE_JPEG),
    "jpeg_claiming_7000_square": (
        lambda: hostile.jpeg_claiming(7000, 7000),
        "Cette image est endommagée ou illisible.",
    ),
}


@pytest.mark.parametrize("case", REFUSED)
def test_a_hostile_upload_is_refused_with_a_message_and_nothing_is_stored(case, cde11, household_a):
    build, message = REFUSED[case]
    with pytest.raises(ValidationError) as error:
        document_store(
            caisse=cde11,
            household=household_a,
            uploaded_file=SimpleUploadedFile("fichier.pdf", build()),
            kind="attachment",
        )
    assert error.value.messages == [message]
    assert not Document.objects.exists()


def test_a_pdf_bomb_on_a_form_is_a_refusal_next_to_the_field(client, curl, cde11, parent_a, household_a):
    client.force_login(parent_a)
    response = client.post(
        curl(cde11, "portal:request_create", kind_slug="correction"),
        {"text": "Une erreur", "attachment": SimpleUploadedFile("a.pdf", hostile.pdf_deep_page_tree())},
    )
    assert response.status_code == 200
    assert BROKEN_PDF in response.content.decode()
    assert not household_a.requests.exists()


@pytest.mark.parametrize("name", ["..", "."])
def test_a_file_named_dot_dot_is_refused_not_dropped(name, client, curl, cde11, parent_a, household_a):
    client.force_login(parent_a)
    # Written by hand: Django's own client refuses to send such a name.
    body = (
        b'--B\r\nContent-Disposition: form-data; name="text"\r\n\r\nUne erreur\r\n'
        b'--B\r\nContent-Disposition: form-data; name="attachment"; filename="%s"\r\n'
        b"Content-Type: application/pdf\r\n\r\n%s\r\n--B--\r\n" % (name.encode(), hostile.pdf_plain())
    )
    response = client.post(
        curl(cde11, "portal:request_create", kind_slug="correction"),
        body,
        content_type="multipart/form-data; boundary=B",
    )
    assert response.status_code == 200
    assert "Une erreur" in response.content.decode()
    assert "Le nom de ce fichier n&#x27;est pas valide" in response.content.decode()
    assert not household_a.requests.exists()


def _jpeg_with_exif_and_trailer() -> bytes:
    image = Image.new("RGB", (40, 30), (10, 200, 30))
    exif = Image.Exif()
    exif[0x010F] = "Téléphone"  # Make
    exif[0x0112] = 6  # Orientation: rotated 90°
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    # A motion photo's video after the picture, as phones write it.
    return out.getvalue() + b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64


def test_an_image_is_stored_re_encoded_without_metadata_or_trailer(cde11, household_a):
    sent = _jpeg_with_exif_and_trailer()
    document = document_store(
        caisse=cde11,
        household=household_a,
        uploaded_file=SimpleUploadedFile("photo.jpg", sent),
        kind="medical_certificate",
    )
    with document.file.open("rb") as stored_file:
        stored = stored_file.read()
    assert stored != sent and b"ftyp" not in stored and "Téléphone".encode() not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG"
        assert image.size == (30, 40)  # turned as the photo was taken, then the orientation dropped
        assert not image.getexif()
    assert document.size == len(stored)


def test_a_pdf_is_stored_as_sent(cde11, household_a):
    sent = hostile.pdf_plain(3)
    document = document_store(
        caisse=cde11,
        household=household_a,
        uploaded_file=SimpleUploadedFile("a.pdf", sent),
        kind="attachment",
    )
    with document.file.open("rb") as stored:
        assert stored.read() == sent
    assert document.pages == 3


def test_a_download_is_named_by_the_kind_and_date_never_by_the_upload(
    client, curl, cde11, parent_a, household_a
):
    document = document_store(
        caisse=cde11,
        household=household_a,
        uploaded_file=SimpleUploadedFile("double.pdf.exe", hostile.pdf_plain()),
        kind="medical_certificate",
        uploaded_by=parent_a,
    )
    client.force_login(parent_a)
    response = client.get(curl(cde11, "portal:document_download", document_uuid=document.uuid))
    assert response.status_code == 200
    day = timezone.localdate(document.created_at).strftime("%d-%m-%Y")
    assert response["Content-Disposition"] == f'inline; filename="certificat-medical-{day}.pdf"'
    response.close()


def test_a_large_phone_jpeg_is_kept_at_half_size():
    checked = inspect_upload(SimpleUploadedFile("photo.jpg", hostile.jpeg_photo(8000, 6000)))
    with Image.open(io.BytesIO(checked.content)) as image:
        assert image.size == (4000, 3000)


def test_a_pdf_whose_xref_pointer_is_a_few_bytes_off_is_accepted():
    sent = hostile.pdf_plain(2)
    end = sent.rindex(b"startxref\n") + len(b"startxref\n")
    pointer = int(sent[end:].split(b"\n", 1)[0])
    shifted = sent[:end] + b"%d\n%%%%EOF\n" % (pointer + 7)
    assert inspect_upload(SimpleUploadedFile("a.pdf", shifted)).pages == 2


def test_a_check_a_loaded_machine_slows_down_keeps_its_verdict(monkeypatch):
    """The verdict is the child's CPU budget, not the wall clock: with a wall span far shorter than
    the check (as on a machine whose cores are all busy), the child goes on while it uses CPU time
    and the file gets the answer it gets on an idle machine (this case failed once under load)."""
    monkeypatch.setattr(uploads, "CHECK_TIMEOUT_SECONDS", 0.2)
    with pytest.raises(ValidationError) as error:
        inspect_upload(SimpleUploadedFile("fichier.pdf", hostile.pdf_many_kids()))
    assert error.value.messages == [BROKEN_PDF]


def test_a_child_that_stopped_working_is_told_from_one_waiting_for_a_core():
    idle = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        first = {"idle": uploads._cpu_seconds(idle.pid), "busy": uploads._cpu_seconds(busy.pid)}
        busy_grew = False
        for _ in range(200):
            busy.poll()
            if uploads._cpu_seconds(busy.pid) > first["busy"]:
                busy_grew = True
                break
            time.sleep(0.05)
        assert busy_grew
        assert uploads._cpu_seconds(idle.pid) < 0.5
    finally:
        for child in (idle, busy):
            child.kill()
            child.wait()
    # A process that is gone reads as no CPU time: the plain wall-clock limit applies.
    assert uploads._cpu_seconds(busy.pid) == 0.0
