"""A form sent twice at once, and files written in a transaction that is rolled back: the answer is
the enrollment made (never a 500) and no file is left without its Document (issue 13, defect 5)."""

import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client

from refectoire.documents.models import Document
from refectoire.documents.services import document_store, files_remove_rolled_back
from refectoire.enrollment.models import Enrollment
from tests.enrollment.conftest import pdf_bytes
from tests.enrollment.factories import family


@pytest.fixture
def private_dir(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }
    return tmp_path / "private"


def stored_files(private_dir) -> list:
    return sorted(path for path in private_dir.rglob("*") if path.is_file())


@pytest.mark.django_db
def test_a_rollback_after_a_file_was_stored_leaves_no_file(private_dir, cde11, parent_a):
    household, _children = family(cde11, parent_a)
    kept = document_store(
        caisse=cde11,
        household=household,
        uploaded_file=SimpleUploadedFile("garde.pdf", pdf_bytes()),
        kind="custody_calendar",
    )
    with pytest.raises(RuntimeError), transaction.atomic():
        document_store(
            caisse=cde11,
            household=household,
            uploaded_file=SimpleUploadedFile("garde.pdf", pdf_bytes()),
            kind="custody_calendar",
        )
        raise RuntimeError("the enrollment could not be saved")
    assert files_remove_rolled_back() == 1
    assert [path.name for path in stored_files(private_dir)] == [kept.file.name.rsplit("/", 1)[-1]]


@pytest.mark.django_db
def test_an_enrollment_sent_again_answers_with_the_enrollment_made(
    private_dir, client, curl, cde11, parent_a, current_year, keller
):
    _household, (child,) = family(cde11, parent_a)
    client.force_login(parent_a)
    url = curl(cde11, "portal:enrollment_form", child_uuid=child.uuid, year_uuid=current_year.uuid)
    data = {"school": keller.pk, "weekdays": ["1"], "shared_custody": "non"}
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]


@pytest.mark.django_db(transaction=True)
def test_ten_enrollments_sent_at_once_give_one_enrollment_no_500_and_no_orphan_file(
    private_dir, curl, cde11, parent_a, current_year, keller
):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions are tested on PostgreSQL")
    _household, (child,) = family(cde11, parent_a)
    url = curl(cde11, "portal:enrollment_form", child_uuid=child.uuid, year_uuid=current_year.uuid)
    start = threading.Barrier(10, timeout=120)  # a hang (e.g. a pool of fewer connections) fails instead
    answers = []

    def submit():
        browser = Client(raise_request_exception=False)
        browser.force_login(parent_a)
        data = {
            "school": keller.pk,
            "weekdays": ["1"],
            "shared_custody": "oui",
            "custody_calendar": SimpleUploadedFile("garde.pdf", pdf_bytes(), content_type="application/pdf"),
        }
        try:
            start.wait()
            response = browser.post(url, data)
            answers.append((response.status_code, response.get("Location")))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    enrollment = Enrollment.objects.get(child=child)
    done = curl(cde11, "portal:enrollment_done", enrollment_uuid=enrollment.uuid)
    assert answers == [(302, done)] * 10
    assert len(stored_files(private_dir)) == Document.objects.count() == 1
