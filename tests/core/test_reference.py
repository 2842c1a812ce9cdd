"""The per-process cache of the Caisses' reference data (core/reference.py, issue 16): a change
shows on the next request of any process, one Caisse's entry never answers for another, and a
write that rolls back leaves nothing behind."""

import datetime
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from refectoire.core import reference
from refectoire.directdebit.selectors import sepa_settings_for
from refectoire.pricing.models import TariffBracket
from refectoire.pricing.selectors import caisse_pricing
from refectoire.schools.calendar import CalendarBits, Window
from refectoire.schools.services import closure_create
from tests.directdebit.helpers import setup_sepa
from tests.pricing.factories import paris_grid

pytestmark = pytest.mark.django_db

WINDOW = (datetime.date(2026, 11, 2), datetime.date(2026, 11, 6))  # a week of school, Monday to Friday


@contextmanager
def request():
    """What the Caisse middleware does around a request."""
    handle = reference.request_begin()
    try:
        yield
    finally:
        reference.request_end(handle)


def first_price(caisse) -> Decimal:
    pricing = caisse_pricing(caisse=caisse)
    [grid] = pricing.grids.values()
    return grid.brackets.all()[0].unit_price


def closed_days(caisse) -> int:
    calendar = CalendarBits.load(caisse=caisse, window=Window(*WINDOW))
    return bin(calendar.caisse_closure).count("1")


def queries(function) -> int:
    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured)


def test_a_request_reads_the_reference_data_once_then_from_memory(cde11):
    paris_grid(cde11)
    with request():
        assert queries(lambda: first_price(cde11)) > 0
    with request():
        assert queries(lambda: first_price(cde11)) == 0
        assert queries(lambda: closed_days(cde11)) == 1
        assert queries(lambda: closed_days(cde11)) == 0


def test_outside_a_request_every_read_goes_to_the_database(cde11):
    paris_grid(cde11)
    assert queries(lambda: first_price(cde11)) > 0
    assert queries(lambda: first_price(cde11)) > 0


def test_a_changed_grid_shows_on_the_next_request(cde11):
    paris_grid(cde11)
    with request():
        before = first_price(cde11)
    bracket = TariffBracket.objects.filter(grid__caisse=cde11).order_by("number").first()
    bracket.unit_price = before + Decimal("1.00")
    bracket.save()
    with request():
        assert first_price(cde11) == before + Decimal("1.00")


def test_a_new_closure_shows_on_the_next_request(cde11):
    paris_grid(cde11)
    with request():
        assert closed_days(cde11) == 0
    closure_create(caisse=cde11, first_day=WINDOW[0], last_day=WINDOW[0], reason="Grève")
    with request():
        assert closed_days(cde11) == 1


def test_changed_direct_debit_settings_show_on_the_next_request(cde11):
    sepa = setup_sepa(cde11)
    with request():
        assert sepa_settings_for(cde11) is not None
    sepa.is_active = False
    sepa.save()
    with request():
        assert sepa_settings_for(cde11) is None


def test_a_change_in_another_process_shows_on_the_next_request(cde11):
    """Another process's write only replaces the token in the shared cache."""
    paris_grid(cde11)
    with request():
        first_price(cde11)
    TariffBracket.objects.filter(grid__caisse=cde11).update(unit_price=Decimal("9.99"))  # no signal
    with request():
        assert first_price(cde11) != Decimal("9.99")  # this process does not know yet
    cache.set(reference.TOKEN_KEY, "written-by-another-process")
    with request():
        assert first_price(cde11) == Decimal("9.99")


def test_the_generation_is_replaced_again_when_the_transaction_commits(
    cde11, django_capture_on_commit_callbacks
):
    paris_grid(cde11)
    with request():
        first_price(cde11)
    with django_capture_on_commit_callbacks() as callbacks:
        closure_create(caisse=cde11, first_day=WINDOW[0], last_day=WINDOW[0], reason="Grève")
    token = cache.get(reference.TOKEN_KEY)
    for callback in callbacks:
        callback()
    assert cache.get(reference.TOKEN_KEY) != token


def test_a_write_that_rolls_back_leaves_nothing_in_memory(cde11):
    paris_grid(cde11)
    with request():
        assert closed_days(cde11) == 0

        class Rollback(Exception):
            pass

        with pytest.raises(Rollback), transaction.atomic():
            closure_create(caisse=cde11, first_day=WINDOW[0], last_day=WINDOW[0], reason="Grève")
            assert closed_days(cde11) == 1  # the transaction reads its own write, and keeps it there
            raise Rollback
        assert closed_days(cde11) == 0
    with request():
        assert closed_days(cde11) == 0


def test_one_caisse_never_gets_another_caisses_data(cde11, cde19):
    paris_grid(cde11)
    paris_grid(cde19)
    TariffBracket.objects.filter(grid__caisse=cde19).update(unit_price=Decimal("0.50"))
    closure_create(caisse=cde19, first_day=WINDOW[0], last_day=WINDOW[1], reason="Travaux")
    setup_sepa(cde11)
    with request():
        for _ in range(2):
            assert first_price(cde11) != Decimal("0.50")
            assert first_price(cde19) == Decimal("0.50")
            assert closed_days(cde11) == 0
            assert closed_days(cde19) == 5
            assert sepa_settings_for(cde11) is not None
            assert sepa_settings_for(cde19) is None


def test_a_page_may_change_what_it_got(cde11):
    paris_grid(cde11)
    with request():
        caisse_pricing(caisse=cde11).years.clear()
        assert caisse_pricing(caisse=cde11).years


def test_the_caisse_of_the_address_follows_its_changes(client, cde11, cde19):
    assert "Paris 11e" in client.get("/cde11/").content.decode()
    assert "19e arrondissement" in client.get("/cde19/").content.decode()
    cde11.name = "Caisse des écoles Paris Centre"
    cde11.save()
    assert "Paris Centre" in client.get("/cde11/").content.decode()
    assert "19e arrondissement" in client.get("/cde19/").content.decode()
    cde19.is_active = False
    cde19.save()
    assert client.get("/cde19/").status_code == 404


def test_without_a_reachable_cache_every_read_goes_to_the_database(cde11, monkeypatch):
    def unreachable(*args, **kwargs):
        raise ConnectionError("the cache is restarting")

    paris_grid(cde11)
    monkeypatch.setattr(reference.cache, "get", unreachable)
    with request():
        assert queries(lambda: closed_days(cde11)) == 1
        assert queries(lambda: closed_days(cde11)) == 1
