"""The approvals inbox: requests a second admin may decide, with step-up."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from porch.accounts import actions, approvals
from porch.accounts.models import Approval, User
from porch.accounts.roles import Role
from porch.coalition.models import Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def unlock_requests(cast):
    """Three locked members of A, each with an unlock request from Eve."""
    made = []
    for n in range(3):
        user = User.objects.create_user(handle=f"locked-{n}", status=User.Status.ACTIVE)
        Membership.objects.create(user=user, organisation=cast.org_a, role=Role.VOLUNTEER)
        actions.do_lock_account(user, actor=cast.ana)
        made.append(actions.do_request_unlock(user, actor=cast.eve))
    return made


@pytest.fixture
def grant_kind(cast):
    """A stand-in for the coalition's "coalition.grant_role" kind."""
    original = approvals.KINDS.get("coalition.grant_role")
    approvals.register(
        "coalition.grant_role",
        run=lambda approval, actor: None,
        approvers=lambda approval: User.objects.filter(pk=cast.fay.pk),
    )
    yield
    if original is None:
        approvals.KINDS.pop("coalition.grant_role")
    else:
        approvals.KINDS["coalition.grant_role"] = original


def test_it_lists_requests_a_second_admin_can_decide(
    cast, signed_in, unlock_requests, django_assert_max_num_queries
):
    client = signed_in(cast.fay)
    with django_assert_max_num_queries(20):
        response = client.get("/approvals/")
    assert response.status_code == 200
    assert response.text.count("Unlock an account") == 3
    assert all(a.code in response.text for a in unlock_requests)


def test_it_lists_other_kinds_with_their_label_and_codes(cast, signed_in, grant_kind):
    approvals.do_request_approval(
        "coalition.grant_role", {"membership": "MEMBERCODE"}, actor=cast.eve
    )
    response = signed_in(cast.fay).get("/approvals/")
    assert "Grant a role" in response.text
    assert "MEMBERCODE" in response.text
    assert "Grant a role" not in signed_in(cast.gus).get("/approvals/").text


def test_it_shows_the_requester_their_own_requests_without_buttons(
    cast, signed_in, unlock_requests
):
    response = signed_in(cast.eve).get("/approvals/")
    assert "Nothing is waiting for you." in response.text
    assert "Your requests" in response.text


def test_it_shows_nothing_to_members_who_cannot_decide(cast, signed_in, unlock_requests):
    for person in (cast.ana, cast.ben, cast.cal):
        response = signed_in(person).get("/approvals/")
        assert response.status_code == 200
        assert "Nothing is waiting for you." in response.text
        code = unlock_requests[0].code
        assert (
            signed_in(person).post(f"/approvals/{code}/", {"decision": "approve"}).status_code
            == 404
        )


def test_it_counts_waiting_requests_on_the_home_page(cast, signed_in, unlock_requests):
    assert "3 requests need a second admin." in signed_in(cast.fay).get("/").text
    assert "need a second admin" not in signed_in(cast.ben).get("/").text


def test_it_rejects_a_request(cast, signed_in, unlock_requests):
    approval = unlock_requests[0]
    response = signed_in(cast.fay).post(f"/approvals/{approval.code}/", {"decision": "reject"})
    assert response.status_code == 302
    assert Approval.objects.get(pk=approval.pk).state == Approval.State.REJECTED
    assert User.objects.get(handle="locked-0").status == User.Status.LOCKED


def test_it_refuses_a_decision_that_is_neither(cast, signed_in, unlock_requests):
    approval = unlock_requests[0]
    signed_in(cast.fay).post(f"/approvals/{approval.code}/", {"decision": "maybe"})
    assert Approval.objects.get(pk=approval.pk).state == Approval.State.PENDING


def test_it_asks_for_step_up_before_deciding(cast, signed_in, unlock_requests):
    approval = unlock_requests[0]
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = signed_in(cast.fay)
        traveller.shift(timedelta(minutes=6))
        response = client.post(
            f"/approvals/{approval.code}/", {"decision": "approve", "next": "/approvals/"}
        )
    assert response.status_code == 302
    assert response["Location"] == "/account/step-up/?next=%2Fapprovals%2F"
    assert Approval.objects.get(pk=approval.pk).state == Approval.State.PENDING


def test_it_hides_expired_and_unknown_requests(cast, signed_in, unlock_requests):
    approval = unlock_requests[0]
    with time_machine.travel(timezone.now() + timedelta(days=3)):
        client = signed_in(cast.fay)
        assert "Nothing is waiting for you." in client.get("/approvals/").text
        assert (
            client.post(f"/approvals/{approval.code}/", {"decision": "approve"}).status_code == 404
        )
    assert (
        signed_in(cast.fay).post("/approvals/NOSUCH/", {"decision": "approve"}).status_code == 404
    )


def test_it_keeps_an_expiry_it_discovers_while_deciding(cast, unlock_requests):
    approval = unlock_requests[0]
    with time_machine.travel(timezone.now() + timedelta(days=3)):
        with pytest.raises(ValidationError):
            approvals.do_decide_approval(approval, approve=True, actor=cast.fay)
    assert Approval.objects.get(pk=approval.pk).state == Approval.State.EXPIRED


def test_it_refuses_other_methods_on_approvals(cast, signed_in, unlock_requests):
    client = signed_in(cast.fay)
    assert client.post("/approvals/").status_code == 405
    assert client.get(f"/approvals/{unlock_requests[0].code}/").status_code == 405


def test_it_asks_only_once_for_the_same_change(cast, unlock_requests):
    user = User.objects.get(handle="locked-0")
    assert actions.do_request_unlock(user, actor=cast.fay) == unlock_requests[0]


def test_it_costs_one_query_more_per_waiting_request(cast, signed_in):
    client = signed_in(cast.fay)
    client.get("/approvals/")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/approvals/").status_code == 200
        return len(queries)

    none = count()
    for n in range(4):
        user = User.objects.create_user(handle=f"gone-{n}", status=User.Status.ACTIVE)
        Membership.objects.create(user=user, organisation=cast.org_a, role=Role.VOLUNTEER)
        actions.do_lock_account(user, actor=cast.ana)
        actions.do_request_unlock(user, actor=cast.eve)
    assert count() <= none + 4 + 1
