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
