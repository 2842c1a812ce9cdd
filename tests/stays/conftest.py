import pytest

from tests.stays.factories import family


@pytest.fixture
def family_a(cde11, parent_a):
    """Parent A's household in cde11, one child in CE2 born 14/03/2017."""
    household, (child,) = family(cde11, user=parent_a)
    return household, child


@pytest.fixture
def family_b(cde11, parent_b):
    household, (child,) = family(cde11, user=parent_b)
    return household, child


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    """Uploads of these tests go to a temporary folder."""
    default = {
        **settings.STORAGES["default"],
        "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
    }
    settings.STORAGES = {**settings.STORAGES, "default": default}
