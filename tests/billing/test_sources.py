"""The registry of invoice sources: what a run bills besides the households, in an explicit order."""

import pytest

from refectoire.adultmeals.invoicing import ADULT_MEALS_SOURCE
from refectoire.billing import sources
from refectoire.billing.sources import InvoiceSource, invoice_sources, register_invoice_source


def _source(name):
    return InvoiceSource(name=name, ids_to_bill=lambda **kwargs: [], compute=lambda **kwargs: None)


@pytest.fixture
def registry(monkeypatch):
    monkeypatch.setattr(sources, "_SOURCES", dict(sources._SOURCES))


def test_adult_meals_register_their_source_when_the_app_is_ready():
    assert [(source.name, source.order) for source in invoice_sources()] == [("adultmeals", 10)]
    assert invoice_sources()[0].compute is ADULT_MEALS_SOURCE.compute


def test_sources_run_by_their_order_not_by_when_they_registered(registry):
    register_invoice_source(_source("later"), order=30)
    register_invoice_source(_source("sooner"), order=5)
    assert [source.name for source in invoice_sources()] == ["sooner", "adultmeals", "later"]


def test_two_sources_cannot_share_an_order(registry):
    with pytest.raises(ValueError, match="order 10"):
        register_invoice_source(_source("other"), order=10)
