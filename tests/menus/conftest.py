import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from refectoire.menus.services import menu_group_save
from tests.documents.hostile import pdf_plain
from tests.enrollment.conftest import keller, year_2026  # noqa: F401 (fixtures)

D = datetime.date


@pytest.fixture
def group_11(cde11, keller):  # noqa: F811
    return menu_group_save(caisse=cde11, name="Cuisine centrale", schools=[keller])


def signed_pai():
    return SimpleUploadedFile("pai.pdf", pdf_plain(), content_type="application/pdf")


from tests.enrollment.conftest import family_a, family_b  # noqa: E402, F401 (fixtures)
