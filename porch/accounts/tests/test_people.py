"""A compromised member (DOMAIN.md): lock at once; unlock and 2FA reset need
two admins; the exposure page for a suspected infiltrator."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from porch.accounts import actions, hooks
from porch.accounts.models import ApiToken, Approval, TOTPDevice, User, Vouch, hash_token
from porch.core import audit
from porch.core.models import AuditEntry
from porch.core.testing import PASSWORD, sign_in

pytestmark = pytest.mark.django_db


def test_it_shows_a_member_to_a_coordinator_of_their_organisation(cast, signed_in):
    Vouch.objects.create(voucher=cast.dee, vouchee=cast.ben)
    response = signed_in(cast.ana).get(f"/people/{cast.ben.code}/")
    assert response.status_code == 200
    assert "Driver" in response.text
    assert "dee" in response.text
    assert "Lock this account now" in response.text
    assert "Ask to unlock" not in response.text


@pytest.mark.parametrize("viewer, target", [("ana", "cal"), ("ben", "dee"), ("cal", "ben")])
def test_it_hides_members_from_other_organisations_and_non_managers(
    cast, signed_in, viewer, target
):
    client = signed_in(getattr(cast, viewer))
    code = getattr(cast, target).code
    assert client.get(f"/people/{code}/").status_code == 404
    assert client.post(f"/people/{code}/lock/").status_code == 404
    assert User.objects.get(code=code).status == User.Status.ACTIVE


def test_it_shows_anyone_to_a_coalition_admin(cast, signed_in):
    assert signed_in(cast.gus).get(f"/people/{cast.cal.code}/").status_code == 200


def test_it_answers_404_for_an_unknown_code(cast, signed_in):
    assert signed_in(cast.ana).get("/people/NOSUCHCODE/").status_code == 404


def test_it_refuses_other_methods_on_people_pages(cast, signed_in):
    client = signed_in(cast.ana)
    code = cast.ben.code
    assert client.post(f"/people/{code}/").status_code == 405
    for action in ["lock", "unlock", "reset-two-factor"]:
        assert client.get(f"/people/{code}/{action}/").status_code == 405
    assert client.post(f"/people/{code}/exposure/").status_code == 405


def test_it_sends_anonymous_people_to_sign_in(client, cast):
    assert client.get(f"/people/{cast.ben.code}/")["Location"].startswith("/login/")


def test_it_locks_an_account_at_once(cast, signed_in, django_capture_on_commit_callbacks):
    bens_phone = Client()
    sign_in(bens_phone, cast.ben)
    token = ApiToken.objects.create(user=cast.ben, name="feed", key_hash=hash_token("secret"))
    released = []
    hooks.register_on_lock(lambda user, *, actor: released.append((user.pk, actor.pk)))
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = signed_in(cast.ana).post(f"/people/{cast.ben.code}/lock/")
    finally:
        hooks.ON_LOCK.pop()
    assert response.status_code == 302
    ben = User.objects.get(pk=cast.ben.pk)
    assert ben.status == User.Status.LOCKED
    assert ben.session_generation == cast.ben.session_generation + 1
    assert ApiToken.objects.get(pk=token.pk).revoked
    assert released == [(ben.pk, cast.ana.pk)]
    assert bens_phone.get("/account/")["Location"].startswith("/login/")
    again = Client().post("/login/", {"handle": "ben", "password": PASSWORD})
    assert again.status_code == 400
    assert AuditEntry.objects.filter(action="account.locked", object_code=ben.code).exists()


def test_it_keeps_the_lock_when_a_hook_fails(cast, django_capture_on_commit_callbacks):
    def broken(user, *, actor):
        raise RuntimeError("a later app broke")

    hooks.register_on_lock(broken)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            actions.do_lock_account(cast.ben, actor=cast.ana)
    finally:
        hooks.ON_LOCK.remove(broken)
    assert User.objects.get(pk=cast.ben.pk).status == User.Status.LOCKED


def test_it_does_not_let_a_coordinator_lock_themselves(cast, signed_in):
    response = signed_in(cast.ana).post(f"/people/{cast.ana.code}/lock/")
    assert response.status_code == 302
    assert User.objects.get(pk=cast.ana.pk).status == User.Status.ACTIVE


def test_it_needs_a_second_admin_to_unlock(client, cast, signed_in):
    actions.do_lock_account(cast.ben, actor=cast.ana)
    signed_in(cast.eve)
    page = client.get(f"/people/{cast.ben.code}/")
    assert "Ask to unlock" in page.text
    assert client.post(f"/people/{cast.ben.code}/unlock/").status_code == 302
    approval = Approval.objects.get(kind="accounts.unlock")
    assert approval.payload == {"user": cast.ben.code}
    # The same admin cannot approve their own request.
    own = client.post(f"/approvals/{approval.code}/", {"decision": "approve"})
    assert own.status_code == 404
    assert User.objects.get(pk=cast.ben.pk).status == User.Status.LOCKED
    signed_in(cast.fay)
    response = client.post(f"/approvals/{approval.code}/", {"decision": "approve"})
    assert response.status_code == 302
    assert User.objects.get(pk=cast.ben.pk).status == User.Status.ACTIVE
    assert Approval.objects.get(pk=approval.pk).state == Approval.State.APPROVED


def test_it_unlocks_an_applicant_back_to_waiting(cast):
    actions.do_lock_account(cast.pia, actor=cast.ana)
    approval = actions.do_request_unlock(cast.pia, actor=cast.eve)
    actions.approvals.do_decide_approval(approval, approve=True, actor=cast.gus)
    assert User.objects.get(pk=cast.pia.pk).status == User.Status.PENDING


def test_it_lets_only_admins_ask_to_unlock(cast, signed_in):
    actions.do_lock_account(cast.ben, actor=cast.ana)
    client = signed_in(cast.ana)
    assert "Ask to unlock" not in client.get(f"/people/{cast.ben.code}/").text
    assert client.post(f"/people/{cast.ben.code}/unlock/").status_code == 404
    assert not Approval.objects.exists()


def test_it_refuses_to_unlock_an_account_that_is_not_locked(cast, signed_in):
    response = signed_in(cast.eve).post(f"/people/{cast.ben.code}/unlock/", follow=True)
    assert "This account is not locked." in response.text
    assert not Approval.objects.exists()


def test_it_needs_a_second_admin_to_reset_two_factor(cast, signed_in, enrol):
    enrol(cast.ben)
    bens_phone = Client()
    sign_in(bens_phone, cast.ben)
    client = signed_in(cast.eve)
    assert client.post(f"/people/{cast.ben.code}/reset-two-factor/").status_code == 302
    approval = Approval.objects.get(kind="accounts.reset_2fa")
    assert TOTPDevice.objects.filter(user=cast.ben).exists()
    signed_in(cast.hal)  # a coalition admin may decide as well
    assert client.post(f"/approvals/{approval.code}/", {"decision": "approve"}).status_code == 302
    assert not TOTPDevice.objects.filter(user=cast.ben).exists()
    assert bens_phone.get("/")["Location"] == "/login/"


def test_it_lists_whom_a_suspect_vouched_for_and_what_they_were_shown(
    cast, signed_in, django_assert_max_num_queries
):
    Vouch.objects.create(voucher=cast.ben, vouchee=cast.pia)
    for n in range(5):
        audit.record(cast.ben, "run.revealed", code=f"RUN{n}")
    AuditEntry.objects.filter(action="run.revealed").update(object_type="deliveryrun")
    client = signed_in(cast.ana)
    with django_assert_max_num_queries(12):
        response = client.get(f"/people/{cast.ben.code}/exposure/")
    assert response.status_code == 200
    assert "pia" in response.text
    assert "deliveryrun" in response.text
    assert all(f"RUN{n}" in response.text for n in range(5))


def test_it_asks_for_step_up_before_the_exposure_page(cast, signed_in):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = signed_in(cast.ana)
        traveller.shift(timedelta(minutes=6))
        response = client.get(f"/people/{cast.ben.code}/exposure/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/step-up/?next=%2Fpeople%2F")


def test_it_hides_the_exposure_page_from_non_managers(cast, signed_in):
    assert signed_in(cast.dee).get(f"/people/{cast.ben.code}/exposure/").status_code == 404
    assert signed_in(cast.ana).get(f"/people/{cast.cal.code}/exposure/").status_code == 404


def test_it_pins_the_queries_of_the_member_page(cast, signed_in, django_assert_max_num_queries):
    for n in range(5):
        voucher = User.objects.create_user(handle=f"voucher-{n}", status=User.Status.ACTIVE)
        Vouch.objects.create(voucher=voucher, vouchee=cast.ben)
    client = signed_in(cast.ana)
    with django_assert_max_num_queries(15):
        assert client.get(f"/people/{cast.ben.code}/").status_code == 200
