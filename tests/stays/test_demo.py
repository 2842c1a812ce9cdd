import io

import pytest

from refectoire.caisses import demo as caisses_demo
from refectoire.stays import demo
from refectoire.stays.models import HolidayStay, StayPrice

pytestmark = pytest.mark.django_db


def test_the_demo_publishes_three_stays_in_cde19_once_one_open():
    caisses_demo.seed(stdout=io.StringIO())
    demo.seed(stdout=io.StringIO())
    demo.seed(stdout=io.StringIO())
    stays = HolidayStay.objects.filter(caisse__slug="cde19")
    assert stays.count() == 3
    assert [stay.title for stay in stays if stay.is_open] == ["Mer et voile à Pornic"]
    assert StayPrice.objects.count() == 20
