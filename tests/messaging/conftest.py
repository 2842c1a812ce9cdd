import pytest

from tests.factories import UserFactory
from tests.requests.factories import household_of


@pytest.fixture
def household_a(cde11, parent_a):
    return household_of(parent_a, cde11)


@pytest.fixture
def household_b(cde11, parent_b):
    return household_of(parent_b, cde11)


@pytest.fixture
def parent_19(cde19):
    return UserFactory(first_name="Inès", last_name="Moreau", email="ines@example.fr")


@pytest.fixture
def household_19(cde19, parent_19):
    return household_of(parent_19, cde19)


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }
