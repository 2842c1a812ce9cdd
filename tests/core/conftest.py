"""Fixtures of the core tests: the SMTP fake (core/delivery.py)."""

from tests.fakes.smtp import smtp_delivery, smtp_server  # noqa: F401  (fixtures)
