"""Schemathesis against the published schema: generated calls of every operation (valid and invalid
data, unknown and real schools), with a token of every scope, get no 5xx and answers (status,
content type, headers, body) that match the schema."""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from refectoire.wsgi import application
from tests.www.api.conftest import bearer

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def wsgi_keeps_the_test_connection():
    # As Django's test client does: the test's connection (and its transaction) outlives each request.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def strategies(operation, school_code):
    """Valid and invalid calls; when the path names a school, also valid calls for a real one."""
    found = [operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE)]
    if "{code}" in operation.path:
        found.append(operation.as_strategy(GenerationMode.POSITIVE, path_parameters={"code": school_code}))
    return st.one_of(found)


def test_generated_calls_match_the_schema(
    wsgi_keeps_the_test_connection, cde11, keller, enrolled, grid_2026, make_token, settings
):
    settings.API_RATE_PER_MINUTE = 1_000_000
    headers = {"Authorization": bearer(make_token()[1])["HTTP_AUTHORIZATION"]}
    schema = schemathesis.openapi.from_wsgi("/cde11/api/v1/openapi.json", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 7

    for operation in operations:

        @given(case=strategies(operation, keller.code))
        @hypothesis_settings(
            max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
        )
        def calls(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        calls()
