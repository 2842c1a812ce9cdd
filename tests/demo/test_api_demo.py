"""The demo's API token: cde11's « Cuisine centrale (démo) », its value the one docs/api.md and
`./dev demo` give, so that the documentation's curl examples answer on the demo."""

import datetime
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from refectoire.demo.partners import DEMO_TOKEN
from refectoire.partners.models import ApiToken

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
AUTH = {"HTTP_AUTHORIZATION": f"Bearer {DEMO_TOKEN}"}


def test_the_demo_token_reads_the_forecast_calendar_and_menus_of_cde11_only(client):
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert DEMO_TOKEN in out.getvalue()  # printed the first time, when it is made

    forecast = client.get("/cde11/api/v1/forecast?start=2026-09-14&end=2026-09-18", **AUTH)
    assert forecast.status_code == 200
    days = forecast.json()["days"]
    assert days and all(row["meals"] > 0 for row in days)
    assert {row["school"] for row in days} <= {"0750011A", "0750011B", "0750011C", "0750011D", "0750011E"}

    calendar = client.get("/cde11/api/v1/calendar?start=2026-10-01&end=2026-11-06&school=0750011B", **AUTH)
    assert calendar.status_code == 200

    monday = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())
    friday = monday + datetime.timedelta(days=4)
    menus = client.get(f"/cde11/api/v1/schools/0750011B/menus?start={monday}&end={friday}", **AUTH)
    assert menus.status_code == 200
    assert "Riz pilaf" in menus.content.decode()  # this week's published menu

    # Only its three scopes, only cde11.
    assert client.get("/cde11/api/v1/schools/0750011B/attendance/2026-09-14", **AUTH).status_code == 403
    assert client.get("/cde19/api/v1/forecast?start=2026-09-14&end=2026-09-18", **AUTH).status_code == 401


def test_seeding_again_keeps_the_one_token_and_prints_it_no_more():
    call_command("seed_demo", stdout=io.StringIO())
    again = io.StringIO()
    call_command("seed_demo", stdout=again)
    assert DEMO_TOKEN not in again.getvalue()
    token = ApiToken.objects.get()
    assert (token.caisse.slug, token.name) == ("cde11", "Cuisine centrale (démo)")
    assert sorted(token.scopes) == ["calendar:read", "forecast:read", "menus:read"]


def test_the_documentation_and_dev_demo_give_the_same_value():
    assert DEMO_TOKEN in (ROOT / "docs" / "api.md").read_text()
    assert f'DEMO_API_TOKEN="{DEMO_TOKEN}"' in (ROOT / "dev").read_text()
