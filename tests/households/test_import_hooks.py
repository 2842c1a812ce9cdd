"""The hooks of the families import run in their written order, not in the order apps load."""

import pytest

from refectoire.enrollment.import_hooks import create_enrollments
from refectoire.households import importer
from refectoire.pricing.import_hooks import record_tariffs


def test_the_tariffs_are_recorded_before_the_enrollments_are_created():
    assert importer.HOOKS == [record_tariffs, create_enrollments]


def test_hooks_run_by_their_order_whatever_the_order_they_register_in(monkeypatch):
    monkeypatch.setattr(importer, "HOOKS", [])
    monkeypatch.setattr(importer, "HOOK_ORDER", {})

    def late(**kwargs):
        pass

    def early(**kwargs):
        pass

    importer.register_hook(late, order=20)
    importer.register_hook(early, order=10)
    importer.register_hook(late, order=20)  # registering again changes nothing
    assert importer.HOOKS == [early, late]


def test_two_hooks_cannot_share_an_order(monkeypatch):
    monkeypatch.setattr(importer, "HOOKS", [])
    monkeypatch.setattr(importer, "HOOK_ORDER", {})
    importer.register_hook(record_tariffs, order=10)
    with pytest.raises(ValueError):
        importer.register_hook(create_enrollments, order=10)
