"""Granting and revoking roles: step-up (R28), trust levels, second admin (R34)."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from porch.accounts.models import Approval
from porch.coalition.models import Membership
from porch.core.testing import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def trained(cast):
    """Dee holds the training for the roles these tests give her: the
    volunteers app's check (registered with coalition.role_checks) refuses a
    role without it — porch/volunteers/tests/test_grant_gate.py tests that."""
    from porch.volunteers.models import Certification, Course

    today = timezone.localdate()
    for course in (Course.DRIVER_SAFETY, Course.LEGAL_OBSERVER, Course.VERIFIER):
        Certification.objects.create(
            volunteer=cast.dee, course=course, expires_on=today + timedelta(days=365)
        )


def _grant(client, org, member, role, team=""):
    url = f"/coalition/orgs/{org.code}/roles/grant/"
    return client.post(url, {"member": member.handle, "role": role, "team": team})


def _membership(user, role):
    return Membership.objects.filter(user=user, role=role).first()


def test_it_shows_the_grant_form_with_the_organisations_members(cast, signed_in):
    response = signed_in(cast.ana).get(f"/coalition/orgs/{cast.org_a.code}/roles/grant/")
    assert response.status_code == 200
    handles = {user.handle for user in response.context["form"].fields["member"].queryset}
    assert {"ben", "dee", "pia"} <= handles
    assert "cal" not in handles and "ana" not in handles


def test_it_activates_a_role_without_addresses_at_once_and_ends_sessions(
    cast, signed_in, audit_actions
):
    ben_client = Client()
    sign_in(ben_client, cast.ben)
    response = _grant(signed_in(cast.ana), cast.org_a, cast.ben, "hub_keeper", cast.team_a.code)
    assert response.status_code == 302
    membership = _membership(cast.ben, "hub_keeper")
    assert membership.status == Membership.Status.ACTIVE
    assert membership.team == cast.team_a and membership.granted_by == cast.ana
    assert "membership.granted" in audit_actions()
    assert "account.sessions_ended" in audit_actions()
    assert ben_client.get("/coalition/")["Location"].startswith("/login/")


def test_it_makes_a_driver_grant_wait_for_a_second_admin(cast, signed_in, client):
    dee_generation = cast.dee.session_generation
    assert _grant(signed_in(cast.eve), cast.org_a, cast.dee, "driver").status_code == 302
    membership = _membership(cast.dee, "driver")
    assert membership.status == Membership.Status.AWAITING_APPROVAL
    approval = Approval.objects.get(kind="coalition.grant_role")
    assert approval.payload == {"membership": membership.code}
    assert approval.requested_by == cast.eve

    # Eve asked, so Eve cannot approve.
    response = client.post(f"/approvals/{approval.code}/", {"decision": "approve"})
    assert response.status_code == 404
    membership.refresh_from_db()
    assert membership.status == Membership.Status.AWAITING_APPROVAL

    # Fay, a second organisation admin, approves: the role is active and Dee's sessions end.
    client.logout()
    sign_in(client, cast.fay)
    response = client.post(f"/approvals/{approval.code}/", {"decision": "approve"})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.status == Membership.Status.ACTIVE
    cast.dee.refresh_from_db()
    assert cast.dee.session_generation > dee_generation
    approval.refresh_from_db()
    assert approval.state == Approval.State.APPROVED and approval.decided_by == cast.fay


def test_it_lets_a_coalition_admin_approve_but_not_a_coordinator(cast, signed_in):
    from porch.accounts import approvals

    _grant(signed_in(cast.eve), cast.org_a, cast.dee, "driver")
    approval = Approval.objects.get()
    assert not approvals.can_decide(approval, cast.ana)
    assert not approvals.can_decide(approval, cast.dee)
    assert not approvals.can_decide(approval, cast.cal)
    assert approvals.can_decide(approval, cast.hal)
    assert approvals.can_decide(approval, cast.fay)


def test_it_lets_a_coordinator_ask_for_a_driver_grant(cast, signed_in):
    assert _grant(signed_in(cast.ana), cast.org_a, cast.dee, "driver").status_code == 302
    assert _membership(cast.dee, "driver").status == Membership.Status.AWAITING_APPROVAL


def test_it_refuses_a_role_above_the_persons_trust_level(cast, signed_in):
    response = _grant(signed_in(cast.eve), cast.org_a, cast.ben, "dispatcher")
    assert response.status_code == 400
    assert "trust level is too low" in response.content.decode()
    assert _membership(cast.ben, "dispatcher") is None
    assert not Approval.objects.exists()


def test_it_refuses_a_role_to_a_pending_applicant(cast, signed_in):
    response = _grant(signed_in(cast.ana), cast.org_a, cast.pia, "observer")
    assert response.status_code == 400
    assert "not active" in response.content.decode()
    assert _membership(cast.pia, "observer") is None


def test_it_refuses_someone_outside_the_organisation(cast, signed_in):
    response = _grant(signed_in(cast.ana), cast.org_a, cast.cal, "observer")
    assert response.status_code == 400
    assert _membership(cast.cal, "observer") is None


def test_it_refuses_a_role_already_held(cast, signed_in):
    response = _grant(signed_in(cast.ana), cast.org_a, cast.dee, "verifier")
    assert response.status_code == 400
    assert "already holds" in response.content.decode()


def test_it_only_lets_admins_grant_organisation_admin(cast, signed_in):
    cast.dee.trust_level = 50
    cast.dee.save()
    assert _grant(signed_in(cast.ana), cast.org_a, cast.dee, "org_admin").status_code == 400
    assert _membership(cast.dee, "org_admin") is None
    assert _grant(signed_in(cast.eve), cast.org_a, cast.dee, "org_admin").status_code == 302
    assert _membership(cast.dee, "org_admin").status == Membership.Status.AWAITING_APPROVAL


def test_it_only_lets_coalition_admins_grant_coalition_admin(cast, signed_in):
    from porch.accounts import approvals

    assert _grant(signed_in(cast.eve), cast.org_a, cast.fay, "coalition_admin").status_code == 400
    assert _membership(cast.fay, "coalition_admin") is None
    assert _grant(signed_in(cast.gus), cast.org_a, cast.fay, "coalition_admin").status_code == 302
    approval = Approval.objects.get()
    assert approvals.can_decide(approval, cast.hal)
    assert not approvals.can_decide(approval, cast.eve)


def test_it_refuses_a_role_for_yourself(cast, signed_in):
    from porch.coalition import actions

    with pytest.raises(ValidationError, match="your own roles"):
        actions.do_grant_role(cast.org_a, cast.eve, role="observer", actor=cast.eve)


def test_it_gives_operators_nothing_special(cast, signed_in):
    cast.cal.is_superuser = True
    cast.cal.save()
    url = f"/coalition/orgs/{cast.org_a.code}/roles/grant/"
    assert signed_in(cast.cal).get(url).status_code == 404


def test_it_hides_the_grant_page_from_drivers_and_other_organisations(cast, signed_in):
    url = f"/coalition/orgs/{cast.org_a.code}/roles/grant/"
    assert signed_in(cast.ben).get(url).status_code == 404
    assert _grant(signed_in(cast.ben), cast.org_a, cast.dee, "observer").status_code == 404
    url_b = f"/coalition/orgs/{cast.org_b.code}/roles/grant/"
    assert signed_in(cast.ana).get(url_b).status_code == 404


def test_it_refuses_other_methods_on_the_grant_page(cast, signed_in):
    url = f"/coalition/orgs/{cast.org_a.code}/roles/grant/"
    assert signed_in(cast.ana).put(url).status_code == 405


def test_it_asks_for_a_fresh_code_before_a_role_change(cast, signed_in):
    url = f"/coalition/orgs/{cast.org_a.code}/roles/grant/"
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = signed_in(cast.ana)
    with time_machine.travel(start + timedelta(minutes=6), tick=False):
        response = _grant(client, cast.org_a, cast.ben, "hub_keeper")
        assert response.status_code == 302
        assert response["Location"].startswith("/account/step-up/?next=")
        assert client.get(url)["Location"].startswith("/account/step-up/")
    assert _membership(cast.ben, "hub_keeper") is None


def test_it_refuses_a_session_without_two_factor(cast, signed_in):
    client = signed_in(cast.ana, two_factor=False)
    response = _grant(client, cast.org_a, cast.ben, "hub_keeper")
    assert response.status_code == 302
    assert response["Location"].startswith(("/login/two-factor/", "/account/two-factor/"))
    assert _membership(cast.ben, "hub_keeper") is None


def test_it_confirms_then_revokes_a_role_and_ends_sessions(cast, signed_in, audit_actions):
    membership = _membership(cast.ben, "driver")
    url = f"/coalition/memberships/{membership.code}/revoke/"
    client = signed_in(cast.ana)
    page = client.get(url)
    assert page.status_code == 200 and "ben" in page.content.decode()
    generation = cast.ben.session_generation
    assert client.post(url).status_code == 302
    membership.refresh_from_db()
    assert membership.status == Membership.Status.REVOKED
    cast.ben.refresh_from_db()
    assert cast.ben.session_generation > generation
    assert "membership.revoked" in audit_actions()


def test_it_refuses_to_revoke_twice(cast, signed_in):
    membership = _membership(cast.ben, "driver")
    url = f"/coalition/memberships/{membership.code}/revoke/"
    client = signed_in(cast.ana)
    client.post(url)
    response = client.post(url)
    assert response.status_code == 400
    assert "already been revoked" in response.content.decode()


def test_it_regrants_a_revoked_role(cast, signed_in):
    client = signed_in(cast.eve)
    _grant(client, cast.org_a, cast.dee, "observer")
    membership = _membership(cast.dee, "observer")
    client.post(f"/coalition/memberships/{membership.code}/revoke/")
    assert _grant(client, cast.org_a, cast.dee, "observer").status_code == 302
    membership.refresh_from_db()
    assert membership.status == Membership.Status.ACTIVE
    assert Membership.objects.filter(user=cast.dee, role="observer").count() == 1


def test_it_counts_someone_whose_last_role_was_revoked_as_outside(cast, signed_in):
    membership = _membership(cast.dee, "verifier")
    client = signed_in(cast.eve)
    client.post(f"/coalition/memberships/{membership.code}/revoke/")
    response = _grant(client, cast.org_a, cast.dee, "verifier")
    assert response.status_code == 400


def test_it_cancels_the_approval_when_a_waiting_role_is_revoked(cast, signed_in):
    client = signed_in(cast.eve)
    _grant(client, cast.org_a, cast.dee, "driver")
    membership = _membership(cast.dee, "driver")
    assert client.post(f"/coalition/memberships/{membership.code}/revoke/").status_code == 302
    assert Approval.objects.get().state == Approval.State.REJECTED


def test_it_does_not_let_a_coordinator_revoke_an_admin(cast, signed_in):
    membership = _membership(cast.eve, "org_admin")
    response = signed_in(cast.ana).post(f"/coalition/memberships/{membership.code}/revoke/")
    assert response.status_code == 403
    membership.refresh_from_db()
    assert membership.status == Membership.Status.ACTIVE


def test_it_hides_memberships_from_other_organisations_and_drivers(cast, signed_in):
    membership = _membership(cast.dee, "verifier")
    url = f"/coalition/memberships/{membership.code}/revoke/"
    assert signed_in(cast.cal).post(url).status_code == 404
    assert signed_in(cast.ben).post(url).status_code == 404
    membership.refresh_from_db()
    assert membership.status == Membership.Status.ACTIVE


def test_it_refuses_other_methods_on_revoke(cast, signed_in):
    membership = _membership(cast.dee, "verifier")
    url = f"/coalition/memberships/{membership.code}/revoke/"
    assert signed_in(cast.ana).delete(url).status_code == 405
