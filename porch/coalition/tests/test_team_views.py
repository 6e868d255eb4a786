"""Teams: create, page, rename, delete."""

import pytest

from porch.coalition.models import Membership, Team

pytestmark = pytest.mark.django_db


def test_it_lets_a_coordinator_create_a_team(cast, signed_in, audit_actions):
    url = f"/coalition/orgs/{cast.org_a.code}/teams/new/"
    client = signed_in(cast.ana)
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "Sunday drivers", "description": "Route 9"})
    team = Team.objects.get(name="Sunday drivers")
    assert response.status_code == 302
    assert response["Location"] == f"/coalition/teams/{team.code}/"
    assert team.organisation == cast.org_a
    assert audit_actions()[-1] == "team.created"


def test_it_refuses_a_duplicate_team_name(cast, signed_in):
    url = f"/coalition/orgs/{cast.org_a.code}/teams/new/"
    response = signed_in(cast.ana).post(url, {"name": "saturday DRIVERS"})
    assert response.status_code == 400
    assert "already has a team by that name" in response.content.decode()
    assert Team.objects.count() == 1


def test_it_refuses_a_blank_team_name(cast, signed_in):
    url = f"/coalition/orgs/{cast.org_a.code}/teams/new/"
    response = signed_in(cast.ana).post(url, {"name": ""})
    assert response.status_code == 400
    assert Team.objects.count() == 1


def test_it_does_not_let_a_driver_create_a_team(cast, signed_in):
    url = f"/coalition/orgs/{cast.org_a.code}/teams/new/"
    assert signed_in(cast.ben).post(url, {"name": "Rogue"}).status_code == 404
    assert not Team.objects.filter(name="Rogue").exists()


def test_it_does_not_let_another_organisation_create_a_team(cast, signed_in):
    url = f"/coalition/orgs/{cast.org_b.code}/teams/new/"
    assert signed_in(cast.ana).post(url, {"name": "Rogue"}).status_code == 404


def test_it_refuses_other_methods_on_team_creation(cast, signed_in):
    url = f"/coalition/orgs/{cast.org_a.code}/teams/new/"
    assert signed_in(cast.ana).put(url).status_code == 405


def test_it_shows_managers_the_team_members(cast, signed_in):
    Membership.objects.filter(user=cast.ben).update(team=cast.team_a)
    response = signed_in(cast.ana).get(f"/coalition/teams/{cast.team_a.code}/")
    assert response.status_code == 200
    assert "ben" in response.content.decode()


def test_it_shows_members_a_count_instead_of_handles(cast, signed_in):
    Membership.objects.filter(user=cast.ben).update(team=cast.team_a)
    response = signed_in(cast.dee).get(f"/coalition/teams/{cast.team_a.code}/")
    assert response.status_code == 200
    assert "This team has 1 member." in response.content.decode()
    assert response.context["memberships"] is None


def test_it_hides_a_team_from_other_organisations(cast, signed_in):
    assert signed_in(cast.cal).get(f"/coalition/teams/{cast.team_a.code}/").status_code == 404


def test_it_refuses_other_methods_on_the_team_page(cast, signed_in):
    assert signed_in(cast.ana).post(f"/coalition/teams/{cast.team_a.code}/").status_code == 405


def test_it_renames_a_team(cast, signed_in, audit_actions):
    url = f"/coalition/teams/{cast.team_a.code}/edit/"
    client = signed_in(cast.ana)
    assert client.get(url).status_code == 200
    assert client.post(url, {"name": "Weekend drivers"}).status_code == 302
    cast.team_a.refresh_from_db()
    assert cast.team_a.name == "Weekend drivers"
    assert audit_actions()[-1] == "team.updated"


def test_it_refuses_renaming_a_team_to_a_taken_name(cast, signed_in):
    Team.objects.create(organisation=cast.org_a, name="Packers")
    url = f"/coalition/teams/{cast.team_a.code}/edit/"
    assert signed_in(cast.ana).post(url, {"name": "Packers"}).status_code == 400
    cast.team_a.refresh_from_db()
    assert cast.team_a.name == "Saturday drivers"


def test_it_does_not_let_a_driver_rename_a_team(cast, signed_in):
    url = f"/coalition/teams/{cast.team_a.code}/edit/"
    assert signed_in(cast.ben).post(url, {"name": "Mine"}).status_code == 404


def test_it_deletes_a_team_and_keeps_its_members(cast, signed_in, audit_actions):
    Membership.objects.filter(user=cast.ben).update(team=cast.team_a)
    response = signed_in(cast.ana).post(f"/coalition/teams/{cast.team_a.code}/delete/")
    assert response.status_code == 302
    assert not Team.objects.exists()
    assert Membership.objects.get(user=cast.ben).team is None
    assert audit_actions()[-1] == "team.deleted"


def test_it_does_not_delete_a_team_on_get(cast, signed_in):
    assert (
        signed_in(cast.ana).get(f"/coalition/teams/{cast.team_a.code}/delete/").status_code == 405
    )
    assert Team.objects.exists()


def test_it_does_not_let_another_organisation_delete_a_team(cast, signed_in):
    assert (
        signed_in(cast.cal).post(f"/coalition/teams/{cast.team_a.code}/delete/").status_code == 404
    )
    assert Team.objects.exists()
