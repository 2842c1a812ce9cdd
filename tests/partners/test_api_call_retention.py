"""The log of the API's calls is kept API_CALL_RETENTION_DAYS days (90 by default), then deleted by
`purge_api_calls`, every Caisse's; tokens and recent calls stay."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from refectoire.partners.models import ApiCall, ApiToken
from refectoire.partners.services import api_call_record, api_calls_purge, api_token_create


def call(caisse, token, *, days_ago, hours=0):
    return api_call_record(
        caisse=caisse,
        token=token,
        method="GET",
        endpoint="/forecast",
        status=200,
        at=timezone.now() - datetime.timedelta(days=days_ago, hours=hours),
        duration_ms=12,
    )


@pytest.fixture
def calls(cde11, cde19):
    token11, _raw = api_token_create(
        caisse=cde11, name="Cuisine centrale", scopes=["forecast:read"], actor=None
    )
    token19, _raw = api_token_create(
        caisse=cde19, name="Cuisine du 19e", scopes=["forecast:read"], actor=None
    )
    return {
        "old11": call(cde11, token11, days_ago=91),
        "old19": call(cde19, token19, days_ago=200),
        "unknown_old": call(cde11, None, days_ago=120),
        "edge_kept": call(cde11, token11, days_ago=89, hours=23),
        "recent11": call(cde11, token11, days_ago=1),
        "recent19": call(cde19, token19, days_ago=0),
    }


def kept():
    return set(ApiCall.objects.values_list("pk", flat=True))


def test_the_nightly_command_deletes_the_calls_older_than_90_days_of_every_caisse(calls):
    out = io.StringIO()
    call_command("purge_api_calls", stdout=out)

    assert out.getvalue().startswith("api_calls\t3\t")
    assert kept() == {calls[name].pk for name in ("edge_kept", "recent11", "recent19")}
    assert ApiToken.objects.count() == 2  # the tokens stay, with their recent calls


def test_the_retention_is_a_setting(calls, settings):
    settings.API_CALL_RETENTION_DAYS = 150
    assert api_calls_purge() == 1
    assert calls["old19"].pk not in kept()
    assert calls["old11"].pk in kept()


def test_days_on_the_command_line_and_a_dry_run_that_deletes_nothing(calls):
    out = io.StringIO()
    call_command("purge_api_calls", "--days", "1", "--dry-run", stdout=out)
    assert out.getvalue().startswith("api_calls\t5\t")
    assert len(kept()) == 6

    call_command("purge_api_calls", "--days", "1", stdout=io.StringIO())
    assert kept() == {calls["recent19"].pk}


def test_a_retention_under_one_day_is_refused_and_deletes_nothing(calls):
    with pytest.raises(ValidationError):
        api_calls_purge(days=0)
    with pytest.raises(CommandError, match="au moins un jour"):
        call_command("purge_api_calls", "--days", "0", stdout=io.StringIO())
    assert len(kept()) == 6
