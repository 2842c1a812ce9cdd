"""Billing tests: the fake SMTP server of the e-mail deliveries."""

from tests.fakes.smtp import queued_mail, smtp_delivery, smtp_server  # noqa: F401  (fixtures)
