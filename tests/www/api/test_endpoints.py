"""What each endpoint answers: the back office's forecast numbers, polling with ETag and
If-Modified-Since, the attendance rules, minimal enrollment data, the calendar, tariffs in euros,
the rate limit, the call log."""

import datetime
import json

import time_machine

from refectoire.enrollment.models import Attendance
from refectoire.enrollment.selectors import expected_meals, kitchen_forecast
from refectoire.partners.enums import ApiScope
from refectoire.partners.models import ApiCall
from refectoire.schools.services import closure_create
from refectoire.www.api.schemas import ForecastOut
from tests.www.api.conftest import PARIS, bearer

D = datetime.date


def test_forecast_returns_the_back_office_numbers(client, cde11, keller, popincourt, enrolled, make_token):
    _token, raw = make_token(scopes=[ApiScope.FORECAST_READ])
    closure_create(
        caisse=cde11, school=popincourt, first_day=D(2026, 9, 15), last_day=D(2026, 9, 15), reason="Grève"
    )

    response = client.get("/cde11/api/v1/forecast?start=2026-09-01&end=2026-09-30", **bearer(raw))

    assert response.status_code == 200
    body = response.json()
    assert ForecastOut.model_validate(body).model_dump(mode="json") == body
    got = {(row["school"], row["day"]): row["meals"] for row in body["days"]}
    codes = {keller.pk: keller.code, popincourt.pk: popincourt.code}
    rows = kitchen_forecast(caisse=cde11, start=D(2026, 9, 1), end=D(2026, 9, 30))
    assert got == {(codes[row.school_id], row.day.isoformat()): row.meals for row in rows}
    for school in (keller, popincourt):
        by_day = expected_meals(caisse=cde11, school=school, start=D(2026, 9, 1), end=D(2026, 9, 30))
        assert {day.isoformat(): len(ids) for day, ids in by_day.items() if ids} == {
            day: meals for (code, day), meals in got.items() if code == school.code
        }
    assert got[keller.code, "2026-09-14"] == 3 and got[keller.code, "2026-09-16"] == 2
    assert (popincourt.code, "2026-09-15") not in got
    assert all(row["by_option"] == {} and row["pai_meals"] == 0 for row in body["days"])
    assert {s["code"] for s in body["schools"]} == {keller.code, popincourt.code}


def test_forecast_polling_gets_304_until_the_numbers_change(
    client, cde11, keller, popincourt, enrolled, make_token
):
    _token, raw = make_token(scopes=[ApiScope.FORECAST_READ])
    url = "/cde11/api/v1/forecast?start=2026-09-14&end=2026-09-18"
    first = client.get(url, **bearer(raw))
    etag, last_modified = first["ETag"], first["Last-Modified"]

    again = client.get(url, HTTP_IF_NONE_MATCH=etag, **bearer(raw))
    assert again.status_code == 304 and again["ETag"] == etag and again.content == b""
    since = client.get(url, HTTP_IF_MODIFIED_SINCE=last_modified, **bearer(raw))
    assert since.status_code == 304

    closure_create(
        caisse=cde11, school=keller, first_day=D(2026, 9, 16), last_day=D(2026, 9, 16), reason="Grève"
    )
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag, **bearer(raw))
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert not any(
        row["day"] == "2026-09-16" and row["school"] == keller.code for row in changed.json()["days"]
    )


def test_forecast_refuses_a_reversed_or_too_long_range(client, cde11, make_token):
    _token, raw = make_token(scopes=[ApiScope.FORECAST_READ])
    reversed_range = client.get("/cde11/api/v1/forecast?start=2026-09-18&end=2026-09-14", **bearer(raw))
    too_long = client.get("/cde11/api/v1/forecast?start=2026-09-01&end=2027-06-30", **bearer(raw))
    not_a_date = client.get("/cde11/api/v1/forecast?start=14/09/2026&end=2026-09-18", **bearer(raw))
    assert [r.status_code for r in (reversed_range, too_long, not_a_date)] == [422, 422, 422]
    assert "doit suivre" in reversed_range.json()["detail"]
    assert "93 jours" in too_long.json()["detail"]
    assert not_a_date.json()["errors"][0]["field"] == "start"


def put_attendance(client, raw, day, presences, code="0751234A"):
    return client.put(
        f"/cde11/api/v1/schools/{code}/attendance/{day}",
        data=json.dumps({"presences": presences}),
        content_type="application/json",
        **bearer(raw),
    )


def test_attendance_is_idempotent_and_corrected_the_same_day(client, on_monday, keller, enrolled, make_token):
    _token, raw = make_token(scopes=[ApiScope.ATTENDANCE_WRITE, ApiScope.ATTENDANCE_READ])
    first, second = enrolled[0], enrolled[1]
    presences = [
        {"enrollment": str(first.uuid), "present": True},
        {"enrollment": str(second.uuid), "present": False},
    ]

    assert put_attendance(client, raw, "2026-09-14", presences).status_code == 200
    assert put_attendance(client, raw, "2026-09-14", presences).status_code == 200
    assert Attendance.objects.filter(day=D(2026, 9, 14)).count() == 2

    corrected = put_attendance(client, raw, "2026-09-14", [{"enrollment": str(second.uuid), "present": True}])
    assert corrected.status_code == 200
    assert {(r["enrollment"], r["present"]) for r in corrected.json()["records"]} == {
        (str(first.uuid), True),
        (str(second.uuid), True),
    }
    read = client.get("/cde11/api/v1/schools/0751234A/attendance/2026-09-14", **bearer(raw))
    assert read.json()["records"] == corrected.json()["records"]


def test_attendance_of_another_day_or_a_closed_day_is_refused(
    client, cde11, on_monday, keller, enrolled, make_token
):
    _token, raw = make_token(scopes=[ApiScope.ATTENDANCE_WRITE])
    presences = [{"enrollment": str(enrolled[0].uuid), "present": True}]
    assert put_attendance(client, raw, "2026-09-14", presences).status_code == 200

    with time_machine.travel(datetime.datetime(2026, 9, 15, 9, 0, tzinfo=PARIS), tick=False):
        late = put_attendance(
            client, raw, "2026-09-14", [{"enrollment": str(enrolled[0].uuid), "present": False}]
        )
        early = put_attendance(client, raw, "2026-09-16", presences)
    assert late.status_code == 422 and "jour même" in late.json()["detail"]
    assert early.status_code == 422 and "à venir" in early.json()["detail"]
    assert Attendance.objects.get().present is True

    closure_create(
        caisse=cde11, school=keller, first_day=D(2026, 9, 14), last_day=D(2026, 9, 14), reason="Grève"
    )
    closed = put_attendance(client, raw, "2026-09-14", presences)
    assert closed.status_code == 422 and "fermée" in closed.json()["detail"]


def test_attendance_refuses_a_child_not_expected_that_day(
    client, on_monday, keller, popincourt, enrolled, make_token
):
    _token, raw = make_token(scopes=[ApiScope.ATTENDANCE_WRITE])
    # enrolled[3] eats at Popincourt, not Keller: nothing is written, not even the expected child.
    response = put_attendance(
        client,
        raw,
        "2026-09-14",
        [
            {"enrollment": str(enrolled[0].uuid), "present": True},
            {"enrollment": str(enrolled[3].uuid), "present": True},
        ],
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "presences"
    assert str(enrolled[3].uuid) in response.json()["detail"]
    assert not Attendance.objects.exists()


def test_enrollments_give_first_and_last_names_only(client, keller, enrolled, make_token):
    _token, raw = make_token(scopes=[ApiScope.ENROLLMENTS_READ])

    every = client.get("/cde11/api/v1/schools/0751234A/enrollments?day=2026-09-14", **bearer(raw)).json()
    wednesday = client.get(
        "/cde11/api/v1/schools/0751234A/enrollments?day=2026-09-16&weekday=3", **bearer(raw)
    ).json()

    assert {c["enrollment"] for c in every["children"]} == {str(e.uuid) for e in enrolled[:3]}
    assert all(
        set(child) == {"enrollment", "first_name", "last_name", "weekdays"} for child in every["children"]
    )
    assert sorted(c["weekdays"] for c in every["children"]) == [[1, 2, 3, 4, 5], [1, 2, 3, 4, 5], [1, 2, 4]]
    assert len(wednesday["children"]) == 2
    child = enrolled[0].child
    assert {"enrollment": str(enrolled[0].uuid), "first_name": child.first_name, "last_name": child.last_name, "weekdays": [1, 2, 3, 4, 5]} in every["children"]  # fmt: skip


def test_calendar_gives_school_days_holidays_and_closures(
    client, cde11, keller, popincourt, year_2026, make_token
):
    _token, raw = make_token(scopes=[ApiScope.CALENDAR_READ], school=keller)
    closure_create(
        caisse=cde11, school=popincourt, first_day=D(2026, 10, 5), last_day=D(2026, 10, 5), reason="Travaux"
    )
    closure_create(
        caisse=cde11, school=keller, first_day=D(2026, 10, 6), last_day=D(2026, 10, 6), reason="Grève"
    )

    body = client.get("/cde11/api/v1/calendar?start=2026-10-01&end=2026-11-06", **bearer(raw)).json()

    [school] = body["schools"]
    assert school["code"] == keller.code
    assert "2026-10-05" in school["school_days"] and "2026-10-06" not in school["school_days"]
    assert "2026-10-03" not in school["school_days"]  # a Saturday
    assert [(c["school"], c["first_day"]) for c in body["closures"]] == [(keller.code, "2026-10-06")]
    assert any(
        h["kind"] == "school_holiday" and h["first_day"] <= "2026-10-19" <= h["last_day"]
        for h in body["holidays"]
    )
    assert not any("2026-10-19" <= day <= "2026-10-30" for day in school["school_days"])


def test_tariffs_are_open_data_with_amounts_as_strings_in_euros(client, grid_2026):
    body = client.get("/cde11/api/v1/tariffs").json()

    [grid] = body["grids"]
    assert grid["school_year"] == "2026-2027" and grid["first_day"] == "2026-09-01"
    assert [b["number"] for b in grid["brackets"]] == list(range(1, 11))
    assert grid["brackets"][-1]["unit_price"] == "7.00" and grid["brackets"][-1]["qf_max"] is None
    assert all(isinstance(b["unit_price"], str) for b in grid["brackets"])
    assert ApiCall.objects.get().token is None


def test_a_token_over_its_rate_gets_429_with_retry_after(client, settings, grid_2026, make_token):
    settings.API_RATE_PER_MINUTE = 3
    token, raw = make_token(scopes=[ApiScope.TARIFFS_READ])
    _other, other_raw = make_token(scopes=[ApiScope.TARIFFS_READ], name="Mairie")

    statuses = [client.get("/cde11/api/v1/tariffs", **bearer(raw)).status_code for _ in range(4)]
    refused = client.get("/cde11/api/v1/tariffs", **bearer(raw))

    assert statuses == [200, 200, 200, 429]
    assert refused.status_code == 429 and 1 <= int(refused["Retry-After"]) <= 61
    assert refused["Content-Type"].startswith("application/problem+json")
    assert client.get("/cde11/api/v1/tariffs", **bearer(other_raw)).status_code == 200
    assert list(token.calls.order_by("pk").values_list("status", flat=True)) == [200, 200, 200, 429, 429]


def test_every_call_is_logged_with_its_token_endpoint_status_and_time(client, keller, enrolled, make_token):
    token, raw = make_token(scopes=[ApiScope.ENROLLMENTS_READ])
    client.get("/cde11/api/v1/schools/0751234A/enrollments", **bearer(raw))
    client.get("/cde11/api/v1/schools/INCONNU/enrollments", **bearer(raw))

    calls = list(token.calls.order_by("pk"))
    assert [(c.method, c.endpoint, c.status) for c in calls] == [
        ("GET", "/api/v1/schools/<code>/enrollments", 200),
        ("GET", "/api/v1/schools/<code>/enrollments", 404),
    ]
    assert all(c.at is not None and c.duration_ms >= 0 for c in calls)


def test_menus_give_the_published_weeks_of_the_schools_group_never_a_draft(
    client, cde11, keller, popincourt, agent_cde11, make_token
):
    from refectoire.menus.services import (
        menu_group_save,
        menu_week_ensure,
        menu_week_publish,
        menu_week_set_dishes,
    )

    group = menu_group_save(caisse=cde11, name="Cuisine centrale", schools=[keller])
    published = menu_week_set_dishes(
        week=menu_week_ensure(group=group, monday=D(2026, 9, 14)),
        dishes=[
            {
                "day": D(2026, 9, 14),
                "course": "plat",
                "name": "Omelette",
                "allergens": ["oeufs"],
                "labels": ["vegetarien", "bio"],
            },
            {"day": D(2026, 9, 14), "course": "dessert", "name": "Compote", "allergens": [], "labels": []},
        ],
    )
    menu_week_publish(week=published, agent=agent_cde11)
    menu_week_set_dishes(  # a draft: never served
        week=menu_week_ensure(group=group, monday=D(2026, 9, 21)),
        dishes=[
            {"day": D(2026, 9, 21), "course": "plat", "name": "Brouillon", "allergens": [], "labels": []}
        ],
    )
    _token, raw = make_token(scopes=[ApiScope.MENUS_READ])
    url = "/cde11/api/v1/schools/0751234A/menus?start=2026-09-14&end=2026-09-25"

    response = client.get(url, **bearer(raw))

    assert response.status_code == 200
    body = response.json()
    assert (body["school"], body["group"]) == ("0751234A", "Cuisine centrale")
    assert body["days"] == [
        {
            "day": "2026-09-14",
            "vegetarian": True,
            "dishes": [
                {
                    "course": "plat",
                    "name": "Omelette",
                    "allergens": ["oeufs"],
                    "labels": ["bio", "vegetarien"],
                },
                {"course": "dessert", "name": "Compote", "allergens": [], "labels": []},
            ],
        }
    ]
    # Polling: the same menus give 304 until an agent changes them.
    again = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"], **bearer(raw))
    assert again.status_code == 304
    # A school outside any group has no menu, and says so without error.
    other = client.get(url.replace("0751234A", popincourt.code), **bearer(raw)).json()
    assert (other["group"], other["days"]) == (None, [])
