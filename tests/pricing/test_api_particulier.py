"""The API Particulier client against a local fake speaking its protocol (v2 and v3)."""

import datetime
from decimal import Decimal

import pytest

from refectoire.pricing import api_particulier
from tests.pricing.fake_api_particulier import TOKEN

IDENTITY = api_particulier.Identity(
    birth_name="LOVINFOSSE",
    first_names=["ALLISON", "MARIE"],
    sex="F",
    birth_date=datetime.date(1985, 5, 17),
    birth_country_code="99100",
    birth_town_code="75111",
)


def client(fake, version, **kwargs):
    return api_particulier.Client(
        base_url=fake.url, token=TOKEN, version=version, recipient="21750001600019", **kwargs
    )


def test_v3_returns_the_quotient_its_month_and_the_family(fake_api):
    answer = client(fake_api, "v3").family_quotient(IDENTITY)
    assert (answer.value, answer.year, answer.month, answer.provider) == (Decimal("1250"), 2026, 9, "CNAF")
    assert answer.month_label == "09/2026"
    assert [p.first_names for p in answer.children] == ["ELIE", "ROBIN"]
    assert answer.beneficiaries[0].birth_date == "1985-05-17"
    version, query = fake_api.queries[-1]
    assert version == "v3"
    assert query["recipient"] == ["21750001600019"]
    assert query["prenoms[]"] == ["ALLISON", "MARIE"]
    assert query["sexeEtatCivil"] == ["F"]
    assert query["codeCogInseeCommuneNaissance"] == ["75111"]
    assert query["anneeDateNaissance"] == ["1985"]


def test_v2_returns_the_quotient_its_month_and_the_family(fake_api):
    answer = client(fake_api, "v2").family_quotient(IDENTITY)
    assert (answer.value, answer.year, answer.month, answer.provider) == (Decimal("812"), 2026, 8, "CNAF")
    assert answer.children[0].birth_date == "2018-03-04"
    version, query = fake_api.queries[-1]
    assert version == "v2"
    assert query["codeInseeLieuDeNaissance"] == ["75111"]
    assert query["sexe"] == ["F"]
    assert "recipient" not in query


def test_a_stored_answer_is_read_back_the_same(fake_api):
    answer = client(fake_api, "v3").family_quotient(IDENTITY)
    assert api_particulier.parse("v3", answer.payload) == answer


@pytest.mark.parametrize("version", ["v2", "v3"])
def test_an_unknown_family_is_not_found(fake_api, version):
    fake_api.mode = "not_found"
    with pytest.raises(api_particulier.NotFound) as error:
        client(fake_api, version).family_quotient(IDENTITY)
    assert "justificatif" in error.value.message


@pytest.mark.parametrize("version", ["v2", "v3"])
def test_too_many_requests_says_to_try_again_later(fake_api, version):
    fake_api.mode = "rate_limited"
    with pytest.raises(api_particulier.TooManyRequests) as error:
        client(fake_api, version).family_quotient(IDENTITY)
    assert "Réessayez" in error.value.message


def test_a_slow_answer_is_a_timeout(fake_api):
    fake_api.mode = "slow"
    fake_api.delay = 2
    with pytest.raises(api_particulier.Timeout):
        client(fake_api, "v3", timeout=0.2).family_quotient(IDENTITY)


def test_a_wrong_token_is_unavailable(fake_api):
    bad = api_particulier.Client(base_url=fake_api.url, token="faux", version="v3", recipient="1")
    with pytest.raises(api_particulier.Unavailable):
        bad.family_quotient(IDENTITY)


def test_a_closed_port_is_unavailable(fake_api):
    url = fake_api.url
    fake_api.server.shutdown()
    fake_api.server.server_close()
    with pytest.raises(api_particulier.ApiParticulierError):
        api_particulier.Client(base_url=url, token=TOKEN, version="v3", timeout=1).family_quotient(IDENTITY)
