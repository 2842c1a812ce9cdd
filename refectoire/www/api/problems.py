"""Errors as RFC 9457 problem details (application/problem+json), with a French `detail`."""

import json

from django.http import HttpResponse
from ninja import Schema

PROBLEM_TYPE = "application/problem+json"

TITLES = {
    400: "Requête invalide",
    401: "Authentification requise",
    403: "Accès refusé",
    404: "Introuvable",
    405: "Méthode non permise",
    409: "Conflit",
    422: "Données invalides",
    429: "Trop de requêtes",
}


class FieldError(Schema):
    field: str
    message: str


class Problem(Schema):
    """A problem detail (RFC 9457): `type` and `title` name the kind of error, `detail` says this one."""

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[FieldError] | None = None


class ApiProblem(Exception):
    """Raised anywhere in the API: becomes a problem response."""

    def __init__(self, status: int, detail: str, *, headers: dict | None = None, errors=None):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = headers or {}
        self.errors = errors


def problem_response(request, status: int, detail: str, *, headers=None, errors=None) -> HttpResponse:
    body = {
        "type": "about:blank",
        "title": TITLES.get(status, "Erreur"),
        "status": status,
        "detail": detail,
        "instance": request.path,
    }
    if errors:
        body["errors"] = errors
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=f"{PROBLEM_TYPE}; charset=utf-8"
    )
    for name, value in (headers or {}).items():
        response[name] = value
    response["Cache-Control"] = "no-store"
    return response


def problem_openapi(*statuses: int) -> dict:
    """The `responses` of an operation's OpenAPI for these error statuses (see openapi_extra)."""
    descriptions = {
        400: "Requête illisible (caractère nul, encodage, corps JSON invalide).",
        401: "Jeton absent, inconnu, révoqué ou expiré.",
        403: "Le jeton n'a pas le droit demandé, ou est limité à un autre établissement.",
        404: "Établissement inconnu dans cette Caisse.",
        422: "Paramètres ou corps invalides, ou refusés par la règle (jour fermé, jour passé…).",
        429: "Limite d'appels atteinte : réessayer après `Retry-After` secondes.",
    }
    responses = {}
    for status in statuses:
        entry = {
            "description": descriptions[status],
            "content": {PROBLEM_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        if status == 429:
            entry["headers"] = {
                "Retry-After": {"description": "Secondes à attendre.", "schema": {"type": "integer"}}
            }
        if status == 401:
            entry["headers"] = {"WWW-Authenticate": {"schema": {"type": "string"}}}
        responses[str(status)] = entry
    return responses
