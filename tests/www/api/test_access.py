"""Every endpoint × (no token, revoked, expired, wrong scope, other Caisse, other school, right
token): only the right token gets its answer. The tariffs are open data: no token is the one more
success, and they belong to no school."""

import datetime
import json

import pytest
from django.utils import timezone

from refectoire.partners.enums import ApiScope
from refectoire.partners.models import ApiCall, ApiToken
from refectoire.partners.services import api_token_revoke
from tests.www.api.conftest import ALL_SCOPES, bearer

CASES = ["no token", "revoked", "expired", "wrong scope", "other caisse", "other school", "right token"]


def forecast(keller, enrolled):
    return "get", "/cde11/api/v1/forecast?start=2026-09-14&end=2026-09-18&school=0751234A", None


def attendance_read(keller, enrolled):
    return "get", "/cde11/api/v1/schools/0751234A/attendance/2026-09-14", None


def attendance_write(keller, enrolled):
    body = {"presences": [{"enrollment": str(enrolled[0].uuid), "present": True}]}
    return "put", "/cde11/api/v1/schools/0751234A/attendance/2026-09-14", body


def enrollments(keller, enrolled):
    return "get", "/cde11/api/v1/schools/0751234A/enrollments?day=2026-09-14", None


def calendar(keller, enrolled):
    return "get", "/cde11/api/v1/calendar?start=2026-09-01&end=2026-09-30&school=0751234A", None


def menus(keller, enrolled):
    return "get", "/cde11/api/v1/schools/0751234A/menus?start=2026-09-14&end=2026-09-18", None


def tariffs(keller, enrolled):
    return "get", "/cde11/api/v1/tariffs", None


ENDPOINTS = [
    (forecast, ApiScope.FORECAST_READ),
    (attendance_read, ApiScope.ATTENDANCE_READ),
    (attendance_write, ApiScope.ATTENDANCE_WRITE),
    (enrollments, ApiScope.ENROLLMENTS_READ),
    (calendar, ApiScope.CALENDAR_READ),
    (menus, ApiScope.MENUS_READ),
    (tariffs, ApiScope.TARIFFS_READ),
]
EXPECTED = {
    "no token": 401,
    "revoked": 401,
    "expired": 401,
    "wrong scope": 403,
    "other caisse": 401,
    "other school": 403,
    "right token": 200,
}
OPEN_DATA = {("no token", ApiScope.TARIFFS_READ): 200, ("other school", ApiScope.TARIFFS_READ): 200}


def headers_for(case, scope, *, make_token, cde19, keller, popincourt):
    if case == "no token":
        return {}
    if case == "wrong scope":
        return bearer(make_token(scopes=[s for s in ALL_SCOPES if s != scope])[1])
    if case == "other caisse":
        return bearer(make_token(caisse=cde19, scopes=[scope])[1])
    if case == "other school":
        return bearer(make_token(scopes=[scope], school=popincourt)[1])
    token, raw = make_token(scopes=[scope], school=keller if case == "right token" else None)
    if case == "revoked":
        api_token_revoke(token=token, actor=None)
    if case == "expired":
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    return bearer(raw)


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("endpoint,scope", ENDPOINTS, ids=[e.__name__ for e, _s in ENDPOINTS])
def test_only_the_right_token_gets_an_answer(
    client, on_monday, cde19, keller, popincourt, enrolled, grid_2026, make_token, endpoint, scope, case
):
    method, url, body = endpoint(keller, enrolled)
    headers = headers_for(
        case, scope, make_token=make_token, cde19=cde19, keller=keller, popincourt=popincourt
    )
    kwargs = {"data": json.dumps(body), "content_type": "application/json"} if body is not None else {}

    response = getattr(client, method)(url, **kwargs, **headers)

    expected = OPEN_DATA.get((case, scope), EXPECTED[case])
    assert response.status_code == expected, response.content
    if expected == 200:
        assert response["Content-Type"].startswith("application/json")
        assert response.json()
    else:
        assert response["Content-Type"].startswith("application/problem+json")
        problem = response.json()
        assert problem["status"] == expected and problem["detail"]
        if expected == 401:
            assert response["WWW-Authenticate"].startswith("Bearer")
    call = ApiCall.objects.get()
    assert (call.method, call.status, call.caisse.slug) == (method.upper(), expected, "cde11")
    assert call.endpoint.startswith("/api/v1/")
