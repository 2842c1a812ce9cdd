"""The published schema is valid OpenAPI 3 (the official JSON schemas, through openapi-spec-validator)
and its docs page is served with the Swagger files of django-ninja, from our own static files."""

import pytest
from django.contrib.staticfiles import finders
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError


def test_the_schema_is_a_valid_openapi_3_document(client, cde11):
    response = client.get("/cde11/api/v1/openapi.json")

    assert response.status_code == 200
    schema = response.json()
    validate(schema)
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {
        "/cde11/api/v1/forecast",
        "/cde11/api/v1/schools/{code}/attendance/{day}",
        "/cde11/api/v1/schools/{code}/enrollments",
        "/cde11/api/v1/calendar",
        "/cde11/api/v1/schools/{code}/menus",
        "/cde11/api/v1/tariffs",
    }
    problem = schema["paths"]["/cde11/api/v1/forecast"]["get"]["responses"]["401"]["content"]
    assert problem == {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    assert "Problem" in schema["components"]["schemas"]


def test_the_validator_rejects_a_broken_document(client, cde11):
    schema = client.get("/cde11/api/v1/openapi.json").json()
    del schema["info"]
    with pytest.raises(OpenAPIValidationError):
        validate(schema)


def test_each_caisse_publishes_its_own_paths(client, cde11, cde19):
    schema = client.get("/cde19/api/v1/openapi.json").json()
    assert all(path.startswith("/cde19/api/v1/") for path in schema["paths"])


def test_the_docs_page_loads_swagger_from_our_static_files(client, cde11):
    response = client.get("/cde11/api/v1/docs")

    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page and "/static/ninja/swagger-ui.css" in page
    assert "cdn" not in page.lower() and "https://" not in page
    assert "/cde11/api/v1/openapi.json" in page
    for name in ("ninja/swagger-ui-bundle.js", "ninja/swagger-ui-init.js", "ninja/swagger-ui.css"):
        assert finders.find(name)


def test_an_unknown_caisse_has_no_api(client, cde11):
    assert client.get("/cde99/api/v1/openapi.json").status_code == 404
