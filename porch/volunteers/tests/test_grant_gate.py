"""Coalition's own role pages are gated like the recruits page (issue 5,
"roles gated by training and trust level"): volunteers registers its check
with coalition.role_checks, so coalition.actions.do_grant_role refuses a role
without its valid training, or that the person's risk answers withhold, with
the same translated reasons; nothing changes and nothing is audited."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from porch.accounts.models import Approval, User
from porch.accounts.roles import Role, TrustLevel
from porch.coalition import actions
from porch.coalition.models import Membership
from porch.core.models import AuditEntry
from porch.volunteers.models import Certification, Volunteer

pytestmark = pytest.mark.django_db

KYR_REASON = "This role needs the “Know your rights” training, certified and unexpired."


def person(cast, handle="rosa", *, trust=TrustLevel.RESPONDER, withheld=(), volunteer=True):
    user = User.objects.create_user(
        handle=handle,
        password="x",
        status=User.Status.ACTIVE,
        trust_level=trust,
        trusted_on=timezone.localdate(),
    )
    Membership.objects.create(user=user, organisation=cast.org_a, role=Role.VOLUNTEER)
    if volunteer:
        Volunteer.objects.create(
            user=user,
            roles_of_interest=["patrol"],
            withheld_roles=list(withheld),
            recruited_on=timezone.localdate(),
            risk_answers='["near_agents"]' if withheld else None,
        )
    return user


def certify(user, course, *, days=300):
    return Certification.objects.create(
        volunteer=user,
        course=course,
        expires_on=timezone.localdate() + datetime.timedelta(days=days),
    )


def grant(client, cast, member, role):
    return client.post(
        f"/coalition/orgs/{cast.org_a.code}/roles/grant/",
        {"member": member.handle, "role": role, "team": ""},
    )


def test_the_grant_page_refuses_a_role_without_its_training_and_changes_nothing(signed_in, cast):
    rosa = person(cast)
    client = signed_in(cast.ana)
    audited = AuditEntry.objects.count()
    generation = rosa.session_generation
    refused = grant(client, cast, rosa, "patrol")
    assert refused.status_code == 400
    assert refused.context["form"].non_field_errors() == [KYR_REASON]
    assert KYR_REASON in refused.content.decode()
    assert not Membership.objects.filter(user=rosa, role=Role.PATROL).exists()
    assert AuditEntry.objects.count() == audited
    rosa.refresh_from_db()
    assert rosa.session_generation == generation

    certify(rosa, "kyr")
    assert grant(client, cast, rosa, "patrol").status_code == 302
    assert Membership.objects.get(user=rosa, role=Role.PATROL).status == (Membership.Status.ACTIVE)


def test_it_gates_people_who_never_answered_the_volunteer_questions(signed_in, cast):
    """No Volunteer row is no way around it: the training is still needed."""
    sam = person(cast, "sam", volunteer=False)
    refused = grant(signed_in(cast.ana), cast, sam, "observer")
    assert refused.status_code == 400
    assert "needs the “Legal observer” training" in refused.content.decode()
    assert not Membership.objects.filter(user=sam, role=Role.OBSERVER).exists()


def test_an_expired_certificate_does_not_count(signed_in, cast):
    rosa = person(cast)
    certify(rosa, "kyr", days=-1)
    assert grant(signed_in(cast.ana), cast, rosa, "patrol").status_code == 400
    assert not Membership.objects.filter(user=rosa, role=Role.PATROL).exists()


def test_a_withheld_role_is_refused_without_saying_why(signed_in, cast):
    rosa = person(cast, withheld=["observer", "patrol"])
    certify(rosa, "legal_observer")
    refused = grant(signed_in(cast.ana), cast, rosa, "observer")
    content = refused.content.decode()
    assert refused.status_code == 400
    assert "This role is not offered to this person." in content
    assert "near_agents" not in content and "immigration" not in content
    assert not Membership.objects.filter(user=rosa, role=Role.OBSERVER).exists()


def test_roles_without_training_are_not_gated_by_it(signed_in, cast):
    rosa = person(cast)
    assert grant(signed_in(cast.ana), cast, rosa, "hub_keeper").status_code == 302
    assert Membership.objects.filter(user=rosa, role=Role.HUB_KEEPER).exists()


def test_the_action_raises_the_same_reasons_as_the_recruits_page(cast):
    rosa = person(cast, trust=TrustLevel.TRAINED)
    with pytest.raises(ValidationError) as refused:
        actions.do_grant_role(cast.org_a, rosa, role="verifier", actor=cast.eve)
    assert refused.value.messages == [
        "This role needs the “Verifier” training, certified and unexpired."
    ]
    assert not Membership.objects.filter(user=rosa, role=Role.VERIFIER).exists()


def test_a_second_admin_cannot_approve_a_driver_whose_training_lapsed(signed_in, cast, client):
    from porch.core.testing import sign_in

    rosa = person(cast, trust=TrustLevel.TRAINED)
    certificate = certify(rosa, "driver_safety")
    assert grant(signed_in(cast.eve), cast, rosa, "driver").status_code == 302
    membership = Membership.objects.get(user=rosa, role=Role.DRIVER)
    assert membership.status == Membership.Status.AWAITING_APPROVAL
    approval = Approval.objects.get(kind="coalition.grant_role")

    # The certificate lapses before the second admin decides.
    certificate.expires_on = timezone.localdate() - datetime.timedelta(days=1)
    certificate.save()
    sign_in(client, cast.fay)
    response = client.post(f"/approvals/{approval.code}/", {"decision": "approve"}, follow=True)
    assert response.redirect_chain == [("/approvals/", 302)]
    assert "needs the “Driver safety” training" in response.content.decode()
    membership.refresh_from_db()
    assert membership.status == Membership.Status.AWAITING_APPROVAL
    approval.refresh_from_db()
    assert approval.state == Approval.State.PENDING
    assert not AuditEntry.objects.filter(action="membership.granted").exists()
