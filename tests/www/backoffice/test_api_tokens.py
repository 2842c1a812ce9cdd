"""Back office « API des partenaires : jetons »: a manager makes a token (shown once, stored hashed),
sees its calls and revokes it; nobody else reaches another Caisse's tokens."""

import hashlib

import pytest
from django.utils import timezone

from refectoire.partners.enums import ApiScope
from refectoire.partners.models import ApiToken
from refectoire.partners.services import api_token_create
from tests.schools.factories import SchoolFactory

LIST = "/cde11/agent/api/jetons/"


@pytest.fixture
def token_11(cde11, manager_cde11):
    return api_token_create(
        caisse=cde11, name="Cuisine du 11e", scopes=[ApiScope.FORECAST_READ], actor=manager_cde11
    )


def test_a_manager_makes_a_token_shown_once_and_stored_hashed(client, cde11, manager_cde11):
    school = SchoolFactory(caisse=cde11, name="École Keller")
    client.force_login(manager_cde11)

    response = client.post(
        LIST,
        {
            "name": "Tablette Keller",
            "scopes": ["attendance:write", "attendance:read"],
            "school": school.pk,
            "expires_on": "31/08/2027",
        },
    )

    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    raw = response.context["raw"]
    assert raw in response.content.decode() and raw.startswith("rfc_")
    token = ApiToken.objects.get()
    assert (token.name, token.school, token.caisse, token.created_by) == (
        "Tablette Keller",
        school,
        cde11,
        manager_cde11,
    )
    assert token.scopes == ["attendance:read", "attendance:write"]
    assert timezone.localtime(token.expires_at).isoformat() == "2027-08-31T00:00:00+02:00"
    secret = raw.split("_", 2)[2]
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest() and secret not in str(
        ApiToken.objects.values().get()
    )
    listing = client.get(LIST).content.decode()
    detail = client.get(f"{LIST}{token.uuid}/").content.decode()
    assert "Tablette Keller" in listing and secret not in listing + detail
    assert 'href="/cde11/api/v1/docs"' in listing
    assert "Pointage (écriture)" in detail and "attendance:write" not in detail


def test_a_bad_token_form_keeps_what_was_typed_and_says_why(client, cde11, manager_cde11):
    client.force_login(manager_cde11)
    response = client.post(LIST, {"name": "Mairie", "scopes": [], "expires_on": "01/01/2020"})
    assert response.status_code == 200
    assert response.context["form"].errors["scopes"] == ["Choisissez au moins un droit."]
    assert 'value="Mairie"' in response.content.decode()
    assert not ApiToken.objects.exists()

    past = client.post(LIST, {"name": "Mairie", "scopes": ["tariffs:read"], "expires_on": "01/01/2020"})
    assert past.context["form"].errors["expires_on"] == ["La date d'expiration doit être dans le futur."]
    assert not ApiToken.objects.exists()


def test_revoking_stops_the_token_and_shows_its_calls(client, cde11, manager_cde11, token_11):
    token, raw = token_11
    client.get("/cde11/api/v1/tariffs", HTTP_AUTHORIZATION=f"Bearer {raw}")
    client.force_login(manager_cde11)

    detail = client.get(f"{LIST}{token.uuid}/").content.decode()
    assert "/api/v1/tariffs" in detail

    response = client.post(f"{LIST}{token.uuid}/revoquer/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.state == "revoked" and token.revoked_at is not None and token.revoked_by == manager_cde11
    [event] = token.events.all()
    assert (event.from_state, event.to_state, event.actor) == ("active", "revoked", manager_cde11)
    assert client.get("/cde11/api/v1/tariffs", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    assert token.history.count() == 2
    assert "Révoqué" in client.get(f"{LIST}{token.uuid}/").content.decode()

    again = client.post(f"{LIST}{token.uuid}/revoquer/", follow=True)
    assert "Ce jeton est déjà révoqué." in again.content.decode()
    assert token.events.count() == 1


def test_anonymous_is_sent_to_the_login(client, cde11, token_11):
    token, _raw = token_11
    for path in (LIST, f"{LIST}{token.uuid}/"):
        assert client.get(path)["Location"].startswith("/cde11/compte/login/")
    client.post(f"{LIST}{token.uuid}/revoquer/")
    token.refresh_from_db()
    assert token.state == "active"


def test_a_plain_agent_gets_403(client, cde11, agent_cde11, token_11):
    token, _raw = token_11
    client.force_login(agent_cde11)
    assert client.get(LIST).status_code == 403
    assert client.get(f"{LIST}{token.uuid}/").status_code == 403
    assert client.post(f"{LIST}{token.uuid}/revoquer/").status_code == 403
    assert client.post(LIST, {"name": "x", "scopes": ["tariffs:read"]}).status_code == 403
    token.refresh_from_db()
    assert token.state == "active" and ApiToken.objects.count() == 1


@pytest.mark.parametrize("visitor", ["manager_cde19", "parent_a"])
def test_others_get_404_for_cde11_tokens(client, request, cde11, cde19, token_11, visitor):
    token, _raw = token_11
    client.force_login(request.getfixturevalue(visitor))
    assert client.get(LIST).status_code == 404
    assert client.get(f"{LIST}{token.uuid}/").status_code == 404
    assert client.post(f"{LIST}{token.uuid}/revoquer/").status_code == 404
    token.refresh_from_db()
    assert token.state == "active"


def test_a_manager_of_cde19_does_not_see_cde11_tokens_in_their_own_back_office(
    client, cde11, cde19, manager_cde19, token_11
):
    token, _raw = token_11
    client.force_login(manager_cde19)
    assert "Cuisine du 11e" not in client.get("/cde19/agent/api/jetons/").content.decode()
    assert client.get(f"/cde19/agent/api/jetons/{token.uuid}/").status_code == 404
    assert client.post(f"/cde19/agent/api/jetons/{token.uuid}/revoquer/").status_code == 404
    token.refresh_from_db()
    assert token.state == "active"
