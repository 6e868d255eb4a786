"""Invitations from the organisation page: the link is shown once, revocable."""

import re

import pytest

from porch.accounts.models import Invitation

pytestmark = pytest.mark.django_db


def _create(client, org, **data):
    return client.post(f"/coalition/orgs/{org.code}/invitations/new/", data)


def test_it_shows_the_join_link_once(cast, signed_in, audit_actions):
    client = signed_in(cast.ana)
    response = _create(client, cast.org_a, role="volunteer", team=cast.team_a.code)
    assert response.status_code == 200
    link = re.search(r"http://testserver/join/[\w-]+/", response.content.decode()).group(0)
    invitation = Invitation.objects.get()
    assert invitation.team == cast.team_a and invitation.role == "volunteer"
    assert audit_actions()[-1] == "invitation.created"
    page = client.get(f"/coalition/orgs/{cast.org_a.code}/").content.decode()
    assert invitation.code in page
    assert link not in page
    token = link.rsplit("/", 2)[-2]
    assert token not in invitation.token_hash


def test_it_refuses_an_unknown_role(cast, signed_in):
    response = _create(signed_in(cast.ana), cast.org_a, role="emperor")
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Invitation.objects.exists()


def test_it_refuses_a_team_of_another_organisation(cast, signed_in):
    from porch.coalition.models import Team

    other = Team.objects.create(organisation=cast.org_b, name="B team")
    response = _create(signed_in(cast.ana), cast.org_a, role="volunteer", team=other.code)
    assert response.status_code == 400
    assert not Invitation.objects.exists()


def test_it_only_offers_admins_the_admin_roles(cast, signed_in):
    coordinator = _create(signed_in(cast.ana), cast.org_a, role="org_admin")
    assert coordinator.status_code == 400
    assert not Invitation.objects.exists()
    admin = _create(signed_in(cast.eve), cast.org_a, role="org_admin")
    assert admin.status_code == 200


def test_it_does_not_let_a_driver_invite(cast, signed_in):
    assert _create(signed_in(cast.ben), cast.org_a, role="volunteer").status_code == 404


def test_it_does_not_let_another_organisation_invite(cast, signed_in):
    assert _create(signed_in(cast.ana), cast.org_b, role="volunteer").status_code == 404


def test_it_refuses_other_methods_on_invitations(cast, signed_in):
    url = f"/coalition/orgs/{cast.org_a.code}/invitations/new/"
    assert signed_in(cast.ana).patch(url).status_code == 405


def test_it_revokes_an_invitation(cast, signed_in, audit_actions):
    client = signed_in(cast.ana)
    _create(client, cast.org_a, role="volunteer")
    invitation = Invitation.objects.get()
    response = client.post(f"/coalition/invitations/{invitation.code}/revoke/")
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked
    assert audit_actions()[-1] == "invitation.revoked"


def test_it_refuses_to_revoke_a_used_invitation(cast, signed_in):
    client = signed_in(cast.ana)
    _create(client, cast.org_a, role="volunteer")
    Invitation.objects.update(used_by=cast.pia)
    invitation = Invitation.objects.get()
    response = client.post(f"/coalition/invitations/{invitation.code}/revoke/")
    assert response.status_code == 400
    assert "already been used" in response.content.decode()
    invitation.refresh_from_db()
    assert not invitation.revoked


def test_it_does_not_let_another_organisation_revoke(cast, signed_in):
    _create(signed_in(cast.ana), cast.org_a, role="volunteer")
    invitation = Invitation.objects.get()
    response = signed_in(cast.cal).post(f"/coalition/invitations/{invitation.code}/revoke/")
    assert response.status_code == 404
    invitation.refresh_from_db()
    assert not invitation.revoked


def test_it_does_not_revoke_on_get(cast, signed_in):
    _create(signed_in(cast.ana), cast.org_a, role="volunteer")
    invitation = Invitation.objects.get()
    response = signed_in(cast.ana).get(f"/coalition/invitations/{invitation.code}/revoke/")
    assert response.status_code == 405
