"""Local fakes of external services, each a real server on 127.0.0.1 speaking the real protocol.

Use them as pytest fixtures: import the fixture into your conftest.py, e.g.
`from tests.fakes.smtp import smtp_server, smtp_delivery  # noqa: F401`.
"""
