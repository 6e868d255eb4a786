"""Sign-up, public and by invitation (R8): a password, a language, optional
contact details; a generated handle and a vouch code shown once."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from porch.accounts import actions
from porch.accounts.middleware import GENERATION_KEY
from porch.accounts.models import Approval, Invitation, User, hash_secret, hash_token
from porch.accounts.roles import Role, TrustLevel
from porch.coalition.models import Membership, Organisation

pytestmark = pytest.mark.django_db

GOOD = {
    "password": "lantern meadow copper kettle",
    "password_again": "lantern meadow copper kettle",
    "language": "es",
}


@pytest.fixture
def public_org(cast):
    return Organisation.objects.create(
        coalition=cast.coalition, name="Riverside Pantry", is_public=True
    )


def shown(response, element_id):
    match = re.search(rf'id="{element_id}">([^<]+)<', response.text)
    assert match, f"{element_id} not shown"
    return match.group(1).strip()


def test_it_shows_the_form_with_only_public_organisations(client, cast, public_org):
    response = client.get("/signup/")
    assert response.status_code == 200
    assert "Riverside Pantry" in response.text
    assert cast.org_a.name not in response.text
    assert "Optional. Porch works without it" in response.text
    assert 'name="legal_name"' in response.text


def test_it_creates_a_pending_volunteer_and_signs_them_in(client, cast, public_org):
    response = client.post("/signup/", {**GOOD, "organisation": public_org.code})
    assert response.status_code == 200
    handle = shown(response, "handle")
    vouch_code = shown(response, "vouch-code")
    user = User.objects.get(handle=handle)
    assert user.status == User.Status.PENDING
    assert user.trust_level == TrustLevel.VIEWER
    assert user.language == "es"
    # Nothing given, nothing stored, and no vault key made for it.
    assert (user.legal_name, user.phone, user.email, user.profile) == (None, None, None, None)
    assert user.vouch_code_hash == hash_secret(vouch_code)
    assert vouch_code not in user.vouch_code_hash
    membership = Membership.objects.get(user=user)
    assert (membership.organisation, membership.role) == (public_org, Role.VOLUNTEER)
    assert membership.status == Membership.Status.ACTIVE
    assert client.session[GENERATION_KEY] == user.session_generation
    assert response.cookies["django_language"].value == "es"
    home = client.get("/")
    # They chose Spanish, so their pages are in Spanish from here on.
    assert "0 de 2 avales" in home.text


def test_it_lets_someone_sign_up_with_no_organisation(client, cast):
    response = client.post("/signup/", {**GOOD, "email": "kim@example.org"})
    user = User.objects.get(handle=shown(response, "handle"))
    assert user.email == "kim@example.org"
    assert not Membership.objects.filter(user=user).exists()


def test_it_refuses_a_private_organisation(client, cast):
    response = client.post("/signup/", {**GOOD, "organisation": cast.org_a.code})
    assert response.status_code == 400
    assert User.objects.count() == 9


@pytest.mark.parametrize(
    "password, message",
    [
        ("short words", "at least 12 characters"),
        ("password1234", "too common"),
    ],
)
def test_it_refuses_a_weak_password_and_writes_nothing(client, cast, password, message):
    data = {**GOOD, "password": password, "password_again": password}
    response = client.post("/signup/", data)
    assert response.status_code == 400
    assert message in response.text
    assert User.objects.count() == 9


def test_it_refuses_passwords_that_differ(client, cast):
    response = client.post("/signup/", {**GOOD, "password_again": "something else entirely"})
    assert response.status_code == 400
    assert "The two passwords are not the same." in response.text


def test_it_refuses_a_bad_email(client, cast):
    response = client.post("/signup/", {**GOOD, "email": "not an address"})
    assert response.status_code == 400
    assert User.objects.count() == 9


def test_it_refuses_other_methods_on_signup(client):
    assert client.delete("/signup/").status_code == 405


# ---- Invitations ---------------------------------------------------------------


def invite(cast, role=Role.VOLUNTEER, team=None, actor=None):
    return actions.do_create_invitation(cast.org_a, role=role, team=team, actor=actor or cast.ana)


def test_it_joins_by_invitation_with_organisation_team_and_role(client, cast):
    invitation, token = invite(cast, role=Role.OBSERVER, team=cast.team_a)
    assert invitation.token_hash == hash_token(token)
    page = client.get(f"/join/{token}/")
    assert page.status_code == 200
    assert cast.org_a.name in page.text
    assert 'name="organisation"' not in page.text
    response = client.post(f"/join/{token}/", GOOD)
    assert response.status_code == 200
    user = User.objects.get(handle=shown(response, "handle"))
    roles = dict(Membership.objects.filter(user=user).values_list("role", "status"))
    # Observing needs the legal observer training, which a newcomer cannot
    # have yet: the role waits for an admin's approval, refused until then.
    assert roles == {"volunteer": "active", "observer": "awaiting"}
    assert set(Membership.objects.filter(user=user).values_list("team", flat=True)) == {
        cast.team_a.pk
    }
    invitation.refresh_from_db()
    assert invitation.used_by == user
    assert invitation.used_on == timezone.localdate()


def test_it_refuses_a_used_invitation(client, cast):
    _invitation, token = invite(cast)
    client.post(f"/join/{token}/", GOOD)
    client.post("/logout/")
    response = client.post(f"/join/{token}/", GOOD)
    assert response.status_code == 400
    assert "Esta invitación ya se usó" in response.text
    assert User.objects.count() == 10


def test_it_refuses_an_expired_invitation(client, cast, settings):
    settings.PORCH_INVITATION_DAYS = 7
    _invitation, token = invite(cast)
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        response = client.post(f"/join/{token}/", GOOD)
        page = client.get(f"/join/{token}/")
    assert response.status_code == page.status_code == 400
    assert "This invitation has expired." in response.text
    assert User.objects.count() == 9


def test_it_refuses_a_revoked_invitation(client, cast):
    invitation, token = invite(cast)
    actions.do_revoke_invitation(invitation, actor=cast.eve)
    response = client.get(f"/join/{token}/")
    assert response.status_code == 400
    assert "This invitation was withdrawn." in response.text


def test_it_answers_404_for_an_unknown_invitation(client, cast):
    assert client.get("/join/not-a-real-token/").status_code == 404


def test_it_refuses_other_methods_on_join(client, cast):
    _invitation, token = invite(cast)
    assert client.put(f"/join/{token}/").status_code == 405


def test_it_holds_an_invited_address_role_for_a_second_admin(client, cast):
    _invitation, token = invite(cast, role=Role.DRIVER, actor=cast.eve)
    response = client.post(f"/join/{token}/", GOOD)
    user = User.objects.get(handle=shown(response, "handle"))
    driver = Membership.objects.get(user=user, role=Role.DRIVER)
    assert driver.status == Membership.Status.AWAITING_APPROVAL
    if "coalition.grant_role" in actions.approvals.KINDS:
        assert Approval.objects.filter(payload={"membership": driver.code}).exists()


def test_it_lets_only_managers_of_the_organisation_invite(cast):
    with pytest.raises(PermissionDenied):
        actions.do_create_invitation(cast.org_b, role=Role.VOLUNTEER, actor=cast.ana)
    with pytest.raises(PermissionDenied):
        actions.do_create_invitation(cast.org_a, role=Role.VOLUNTEER, actor=cast.ben)
    with pytest.raises(PermissionDenied):
        actions.do_create_invitation(cast.org_a, role=Role.ORG_ADMIN, actor=cast.ana)
    with pytest.raises(PermissionDenied):
        actions.do_create_invitation(cast.org_a, role=Role.COALITION_ADMIN, actor=cast.eve)
    with pytest.raises(ValidationError):
        actions.do_create_invitation(cast.org_a, role="pilot", actor=cast.ana)
    invitation, _token = actions.do_create_invitation(
        cast.org_b, role=Role.ORG_ADMIN, actor=cast.gus
    )
    assert invitation.organisation == cast.org_b
    assert Invitation.objects.count() == 1
