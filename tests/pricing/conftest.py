import pytest

from tests.pricing.fake_api_particulier import FakeApiParticulier


@pytest.fixture
def fake_api():
    with FakeApiParticulier() as fake:
        yield fake
