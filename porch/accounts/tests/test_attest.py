"""Trainer's attestation (full vouching at an in-person orientation) and
raising trust levels (promotion), both audited (DOMAIN.md W8)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from porch.accounts import actions
from porch.accounts.models import User, Vouch
from porch.accounts.roles import TrustLevel
from porch.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def last_actions(n):
    return list(AuditEntry.objects.order_by("-pk").values_list("action", flat=True)[:n])[::-1]


def test_a_trainers_attestation_activates_an_applicant_alone(cast):
    assert cast.pia.status == User.Status.PENDING
    actions.do_attest(cast.pia, actor=cast.ana)
    pia = User.objects.get(pk=cast.pia.pk)
    assert (pia.status, pia.trust_level) == (User.Status.ACTIVE, TrustLevel.RESPONDER)
    assert Vouch.objects.filter(voucher=cast.ana, vouchee=pia).count() == 1
    assert last_actions(2) == ["account.attested", "account.activated"]


def test_it_counts_an_earlier_vouch_by_the_same_trainer(cast):
    actions.do_vouch(cast.pia, actor=cast.ana)
    actions.do_attest(cast.pia, actor=cast.ana)
    assert User.objects.get(pk=cast.pia.pk).status == User.Status.ACTIVE
    assert Vouch.objects.filter(vouchee=cast.pia).count() == 1


def test_a_responder_cannot_attest(cast):
    # Cal is an active volunteer (responder): one vouch, not an attestation.
    with pytest.raises(PermissionDenied):
        actions.do_attest(cast.pia, actor=cast.cal)
    assert User.objects.get(pk=cast.pia.pk).status == User.Status.PENDING
    assert not Vouch.objects.exists()


def test_nobody_attests_for_an_active_member_or_themselves(cast):
    with pytest.raises(ValidationError):
        actions.do_attest(cast.ben, actor=cast.ana)
    with pytest.raises(ValidationError):
        actions.do_attest(cast.ana, actor=cast.ana)


def test_a_coordinator_raises_trust_below_their_own(cast):
    actions.do_raise_trust(cast.cal, TrustLevel.DISPATCHER, actor=cast.ana)
    assert User.objects.get(pk=cast.cal.pk).trust_level == TrustLevel.DISPATCHER
    assert last_actions(1) == ["account.trust_raised"]


@pytest.mark.parametrize(
    ("who", "level", "error"),
    [
        ("ben", TrustLevel.DISPATCHER, PermissionDenied),  # a driver may not promote
        ("ana", TrustLevel.COORDINATOR, PermissionDenied),  # not up to one's own level
        ("ana", 7, ValidationError),  # not a level
    ],
)
def test_it_refuses_promotions_out_of_reach(cast, who, level, error):
    before = User.objects.get(pk=cast.cal.pk).trust_level
    with pytest.raises(error):
        actions.do_raise_trust(cast.cal, level, actor=getattr(cast, who))
    assert User.objects.get(pk=cast.cal.pk).trust_level == before


def test_it_refuses_to_lower_or_keep_a_level_or_to_promote_a_pending_person(cast):
    with pytest.raises(ValidationError):
        actions.do_raise_trust(cast.cal, TrustLevel.RESPONDER, actor=cast.ana)
    with pytest.raises(ValidationError):
        actions.do_raise_trust(cast.pia, TrustLevel.TRAINED, actor=cast.ana)
