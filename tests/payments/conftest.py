import pytest

from tests.payments.fake_payfip import FakePayfip


@pytest.fixture
def fake_payfip():
    fake = FakePayfip().start()
    yield fake
    fake.stop()
