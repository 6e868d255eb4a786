"""The v1 API: auth (bearer token or session), 401/404/422, translated errors."""

import pytest

from porch.accounts.actions import do_create_api_token, do_revoke_api_token
from porch.coalition.models import Team

pytestmark = pytest.mark.django_db


@pytest.fixture
def bearer(cast):
    """bearer(user) → headers for the test client with a fresh API token."""

    def _headers(user):
        _token, key = do_create_api_token(user, "test", actor=user)
        return {"Authorization": f"Bearer {key}"}

    return _headers


def test_it_serves_the_schema(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {
        "/api/v1/me",
        "/api/v1/organisations",
        "/api/v1/organisations/{code}",
        "/api/v1/organisations/{code}/teams",
        "/api/v1/organisations/{code}/memberships",
        "/api/v1/zones",
    } <= set(paths)


def test_it_answers_me_with_a_bearer_token(cast, client, bearer):
    response = client.get("/api/v1/me", headers=bearer(cast.ana))
    assert response.status_code == 200
    assert response.json() == {
        "handle": "ana",
        "status": "active",
        "trust_level": 40,
        "language": "en",
    }


def test_it_answers_me_with_a_session(cast, signed_in):
    response = signed_in(cast.ben).get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["handle"] == "ben"


def test_it_answers_401_without_credentials(cast, client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert "Bearer" in response.json()["detail"]


def test_it_answers_401_for_a_wrong_or_revoked_token(cast, client):
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer nope"}).status_code == 401
    token, key = do_create_api_token(cast.ana, "test", actor=cast.ana)
    do_revoke_api_token(token, actor=cast.ana)
    response = client.get("/api/v1/organisations", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 401


def test_it_answers_401_to_a_session_that_has_not_finished_two_factor(cast, signed_in):
    assert signed_in(cast.ana, two_factor=False).get("/api/v1/me").status_code == 401


def test_it_answers_401_before_validating_input(cast, client):
    response = client.post("/api/v1/organisations/X/teams", {}, content_type="application/json")
    assert response.status_code == 401


def test_it_lists_only_organisations_visible_to_me(cast, client, bearer):
    response = client.get("/api/v1/organisations", headers=bearer(cast.ben))
    assert response.status_code == 200
    assert [org["code"] for org in response.json()] == [cast.org_a.code]
    assert response.json()[0]["my_roles"] == ["driver"]


def test_it_shows_one_organisation_and_404s_another(cast, client, bearer):
    headers = bearer(cast.ben)
    response = client.get(f"/api/v1/organisations/{cast.org_a.code}", headers=headers)
    assert response.status_code == 200 and response.json()["name"] == cast.org_a.name
    other = client.get(f"/api/v1/organisations/{cast.org_b.code}", headers=headers)
    assert other.status_code == 404
    assert other.json() == {"detail": "Not found."}
    unknown = client.get("/api/v1/organisations/NOSUCHCODE", headers=headers)
    assert unknown.status_code == 404


def test_it_lists_zones(cast, client, bearer):
    response = client.get("/api/v1/zones", headers=bearer(cast.cal))
    assert response.status_code == 200
    zones = {zone["name"]: zone for zone in response.json()}
    assert zones["Cedar Flats"]["outline"]["type"] == "Polygon"
    assert zones["Elm Hollow"]["outline"] is None
    assert zones["Cedar Flats"]["region"] == "Northside"


def test_it_lists_teams_to_members(cast, client, bearer):
    response = client.get(
        f"/api/v1/organisations/{cast.org_a.code}/teams", headers=bearer(cast.ben)
    )
    assert response.status_code == 200
    assert response.json() == [
        {"code": cast.team_a.code, "name": "Saturday drivers", "description": ""}
    ]
    other = client.get(f"/api/v1/organisations/{cast.org_b.code}/teams", headers=bearer(cast.ben))
    assert other.status_code == 404


def test_it_lists_memberships_to_managers_only(cast, client, bearer):
    url = f"/api/v1/organisations/{cast.org_a.code}/memberships"
    response = client.get(url, headers=bearer(cast.ana))
    assert response.status_code == 200
    rows = {(row["handle"], row["role"]): row for row in response.json()}
    assert rows[("ben", "driver")] == {
        "handle": "ben",
        "role": "driver",
        "status": "active",
        "team": None,
    }
    assert all(set(row) == {"handle", "role", "status", "team"} for row in rows.values())
    assert client.get(url, headers=bearer(cast.ben)).status_code == 404
    assert client.get(url, headers=bearer(cast.cal)).status_code == 404


def test_it_creates_a_team_for_a_manager(cast, client, bearer):
    from porch.core.models import AuditEntry

    response = client.post(
        f"/api/v1/organisations/{cast.org_a.code}/teams",
        {"name": "Packers", "description": "Hub shifts"},
        content_type="application/json",
        headers=bearer(cast.ana),
    )
    assert response.status_code == 201
    team = Team.objects.get(name="Packers")
    assert response.json() == {"code": team.code, "name": "Packers", "description": "Hub shifts"}
    assert AuditEntry.objects.filter(action="team.created", object_code=team.code).exists()


def test_it_refuses_a_duplicate_team_with_409_and_writes_nothing(cast, client, bearer):
    response = client.post(
        f"/api/v1/organisations/{cast.org_a.code}/teams",
        {"name": "Saturday drivers"},
        content_type="application/json",
        headers=bearer(cast.ana),
    )
    assert response.status_code == 409
    assert "already has a team by that name" in response.json()["detail"]
    assert Team.objects.count() == 1


@pytest.mark.parametrize("name", ["", "   ", "nul\x00byte", "x" * 81])
def test_it_refuses_a_malformed_body_with_422(cast, client, bearer, name):
    response = client.post(
        f"/api/v1/organisations/{cast.org_a.code}/teams",
        {"name": name},
        content_type="application/json",
        headers=bearer(cast.ana),
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"][-1] == "name"
    assert Team.objects.count() == 1


def test_it_does_not_let_a_driver_or_another_organisation_create_teams(cast, client, bearer):
    data = {"name": "Rogue"}
    url_a = f"/api/v1/organisations/{cast.org_a.code}/teams"
    url_b = f"/api/v1/organisations/{cast.org_b.code}/teams"
    kwargs = {"content_type": "application/json"}
    assert client.post(url_a, data, headers=bearer(cast.ben), **kwargs).status_code == 404
    assert client.post(url_b, data, headers=bearer(cast.ana), **kwargs).status_code == 404
    assert not Team.objects.filter(name="Rogue").exists()


def test_it_needs_the_csrf_token_for_a_session_write(cast):
    from django.test import Client

    from porch.core.testing import sign_in

    client = Client(enforce_csrf_checks=True)
    sign_in(client, cast.ana)
    response = client.post(
        f"/api/v1/organisations/{cast.org_a.code}/teams",
        {"name": "Packers"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not Team.objects.filter(name="Packers").exists()


def test_it_refuses_other_methods(cast, client, bearer):
    response = client.delete("/api/v1/zones", headers=bearer(cast.ana))
    assert response.status_code == 405


def test_it_translates_errors_for_the_requested_language(cast, client):
    response = client.get("/api/v1/me", headers={"Accept-Language": "es"})
    assert response.status_code == 401
    assert response["Content-Language"] == "es"
