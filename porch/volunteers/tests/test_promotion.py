"""Promotion rules per trust level, the coordinator's check page and the
volunteer's own "what you need for the next level" (issue 5 item 2)."""

import datetime

import pytest
from django.utils import timezone

from porch.accounts.models import User, Vouch
from porch.accounts.roles import Role, TrustLevel
from porch.coalition.models import Coalition
from porch.core.models import AuditEntry
from porch.core.testing import make_member
from porch.volunteers import promotion
from porch.volunteers.models import Certification, Course, PromotionRules

pytestmark = pytest.mark.django_db


def certify(user, course, *, days=365):
    today = timezone.localdate()
    return Certification.objects.create(
        volunteer=user,
        course=course,
        issued_on=today - datetime.timedelta(days=10),
        expires_on=today + datetime.timedelta(days=days),
    )


def url(org, member, tail="promotion/"):
    return f"/volunteers/orgs/{org.code}/members/{member.code}/{tail}"


def met(check):
    return [rule.met for rule in check.rules]


# ---- The rules ---------------------------------------------------------------------------


def test_a_pending_viewer_needs_two_vouches_or_an_attestation(people):
    pia = people.pia
    check = promotion.check_member(pia, people.coalition)
    assert check.level == TrustLevel.RESPONDER
    assert met(check) == [False]
    assert "0 of 2 vouches" in check.rules[0].sentence
    Vouch.objects.create(voucher=people.ana, vouchee=pia)
    Vouch.objects.create(voucher=people.ben, vouchee=pia)
    assert met(promotion.check_member(pia, people.coalition)) == [True]


def test_an_attestation_is_enough_for_responder(people):
    AuditEntry.objects.create(
        actor=people.ana, action="account.attested", object_type="user", object_code=people.pia.code
    )
    check = promotion.check_member(people.pia, people.coalition)
    assert check.all_met
    assert "attested" in check.rules[0].sentence


def test_the_coalition_sets_its_own_number_of_vouches(people):
    people.coalition.vouches_required = 1
    people.coalition.save(update_fields=["vouches_required"])
    Vouch.objects.create(voucher=people.ana, vouchee=people.pia)
    assert promotion.check_member(people.pia, people.coalition).all_met


def test_a_responder_needs_verifier_or_driver_training_unexpired(people, monday_morning):
    pat = people.pat
    check = promotion.check_member(pat, people.coalition)
    assert check.level == TrustLevel.TRAINED and met(check) == [False]
    certify(pat, Course.DRIVER_SAFETY, days=5)
    assert promotion.check_member(pat, people.coalition).all_met
    monday_morning.shift(datetime.timedelta(days=6))  # the certificate expired
    assert met(promotion.check_member(pat, people.coalition)) == [False]


def test_another_course_does_not_count_for_verifier_or_driver(people):
    certify(people.pat, Course.KNOW_YOUR_RIGHTS)
    assert not promotion.check_member(people.pat, people.coalition).all_met


@pytest.fixture
def driver(people):
    """Dee-like trained member, active since Monday 2 March 2026."""
    return make_member("dora", people.org_a, Role.DRIVER)


def make_dispatcher(handle, org):
    return make_member(handle, org, Role.DISPATCHER)


def test_dispatcher_needs_three_months_certification_and_two_referrals(
    people, driver, monday_morning
):
    check = promotion.check_member(driver, people.coalition)
    assert check.level == TrustLevel.DISPATCHER
    assert met(check) == [False, False, False]
    certify(driver, Course.DISPATCHER)
    for handle in ("dan", "dot"):
        Vouch.objects.create(voucher=make_dispatcher(handle, people.org_a), vouchee=driver)
    assert met(promotion.check_member(driver, people.coalition)) == [False, True, True]
    # A day short of three months: 2 March → 1 June.
    monday_morning.move_to(datetime.datetime(2026, 6, 1, 9, 0))
    assert met(promotion.check_member(driver, people.coalition))[0] is False
    monday_morning.move_to(datetime.datetime(2026, 6, 2, 9, 0))
    assert promotion.check_member(driver, people.coalition).all_met


def test_vouches_from_below_dispatcher_or_inactive_people_are_no_referrals(people, driver):
    Vouch.objects.create(voucher=people.ben, vouchee=driver)  # a driver
    locked = make_dispatcher("dex", people.org_a)
    User.objects.filter(pk=locked.pk).update(status=User.Status.LOCKED)
    Vouch.objects.create(voucher=locked, vouchee=driver)
    Vouch.objects.create(voucher=people.ana, vouchee=driver)  # a coordinator counts
    check = promotion.check_member(driver, people.coalition)
    assert "1 of 2 referrals" in check.rules[2].sentence and not check.rules[2].met


def test_the_coalition_sets_months_and_referrals(people, driver, monday_morning):
    PromotionRules.objects.create(
        coalition=people.coalition, dispatcher_months=1, dispatcher_referrals=0
    )
    certify(driver, Course.DISPATCHER)
    monday_morning.move_to(datetime.datetime(2026, 4, 2, 9, 0))
    assert promotion.check_member(driver, people.coalition).all_met


def test_no_rule_leads_above_dispatcher(people):
    check = promotion.check_member(people.ana, people.coalition)
    assert check.level is None and not check.all_met


def test_add_months_clamps_to_the_end_of_the_month():
    assert promotion.add_months(datetime.date(2026, 11, 30), 3) == datetime.date(2027, 2, 28)


# ---- The coordinator's page ------------------------------------------------------------


def test_the_coordinator_sees_the_check(people, signed_in):
    response = signed_in(people.ana).get(url(people.org_a, people.pat))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Not met yet:" in body and "verifier or driver safety" in body
    assert "Promote to Verifier or driver" in body


def test_promote_raises_trust_when_every_rule_is_met(people, signed_in):
    certify(people.pat, Course.VERIFIER)
    response = signed_in(people.ana).post(url(people.org_a, people.pat, "promote/"))
    assert response.status_code == 302
    people.pat.refresh_from_db()
    assert people.pat.trust_level == TrustLevel.TRAINED
    assert AuditEntry.objects.filter(action="account.trust_raised").count() == 1


def test_a_refusal_changes_nothing(people, signed_in):
    entries = AuditEntry.objects.count()
    response = signed_in(people.ana).post(url(people.org_a, people.pat, "promote/"))
    assert response.status_code == 400
    assert "Not promoted" in response.content.decode()
    people.pat.refresh_from_db()
    assert people.pat.trust_level == TrustLevel.RESPONDER
    assert AuditEntry.objects.count() == entries


def test_a_pending_person_meeting_the_rule_is_refused_by_accounts(people, signed_in):
    AuditEntry.objects.create(
        actor=people.ana, action="account.attested", object_type="user", object_code=people.pia.code
    )
    response = signed_in(people.ana).post(url(people.org_a, people.pia, "promote/"))
    assert response.status_code == 400
    assert "Only active members can be promoted." in response.content.decode()
    people.pia.refresh_from_db()
    assert people.pia.trust_level == TrustLevel.VIEWER


def test_another_organisation_is_404(people, signed_in):
    client = signed_in(people.ana)
    assert client.get(url(people.org_a, people.cal)).status_code == 404
    assert client.get(url(people.org_b, people.cal)).status_code == 404
    assert client.post(url(people.org_b, people.cal, "promote/")).status_code == 404


def test_a_volunteer_is_404(people, signed_in):
    certify(people.quinn, Course.VERIFIER)
    client = signed_in(people.pat)
    assert client.get(url(people.org_a, people.quinn)).status_code == 404
    assert client.post(url(people.org_a, people.quinn, "promote/")).status_code == 404
    people.quinn.refresh_from_db()
    assert people.quinn.trust_level == TrustLevel.RESPONDER


def test_wrong_methods_are_405(people, signed_in):
    client = signed_in(people.ana)
    assert client.post(url(people.org_a, people.pat)).status_code == 405
    assert client.get(url(people.org_a, people.pat, "promote/")).status_code == 405


def test_the_engagement_page_links_to_the_checks(people, signed_in):
    body = signed_in(people.ana).get(f"/volunteers/orgs/{people.org_a.code}/engagement/")
    assert url(people.org_a, people.pat) in body.content.decode()


# ---- The volunteer's own page ----------------------------------------------------------


def test_the_volunteer_sees_what_they_need_for_the_next_level(people, signed_in):
    body = signed_in(people.pat).get("/volunteers/").content.decode()
    assert "What you need for the next level" in body
    assert "Training not certified, or expired: verifier or driver safety." in body
    certify(people.pat, Course.VERIFIER)
    body = signed_in(people.pat).get("/volunteers/").content.decode()
    assert "Met: Training certified and unexpired: verifier or driver safety." in body


# ---- The coalition's thresholds --------------------------------------------------------

RULES_URL = "/volunteers/promotion-rules/"
GOOD = {"responder_vouches": "3", "dispatcher_months": "6", "dispatcher_referrals": "1"}


def test_a_coalition_admin_sets_the_rules(people, signed_in):
    client = signed_in(people.gus)
    assert client.get(RULES_URL).status_code == 200
    assert client.post(RULES_URL, GOOD).status_code == 302
    rules = promotion.rules_for(Coalition.objects.get(pk=people.coalition.pk))
    assert (rules.responder_vouches, rules.dispatcher_months, rules.dispatcher_referrals) == (
        3,
        6,
        1,
    )
    assert AuditEntry.objects.filter(action="volunteers.promotion_rules_set").count() == 1
    # The check follows them at once, and so does accounts' activation:
    # one number, Coalition.vouches_required.
    people.coalition.refresh_from_db()
    assert people.coalition.vouches_required == 3
    check = promotion.check_member(people.pia, people.coalition)
    assert "0 of 3 vouches" in check.rules[0].sentence
    from porch.accounts.access import vouches_required

    assert vouches_required() == 3


def test_out_of_range_rules_are_refused_and_nothing_changes(people, signed_in):
    response = signed_in(people.gus).post(RULES_URL, {**GOOD, "responder_vouches": "0"})
    assert response.status_code == 400
    assert not PromotionRules.objects.exists()
    assert Coalition.objects.get(pk=people.coalition.pk).vouches_required == 2


def test_a_coordinator_cannot_set_the_rules(people, signed_in):
    client = signed_in(people.ana)
    assert client.get(RULES_URL).status_code == 404
    assert client.post(RULES_URL, GOOD).status_code == 404
    assert not PromotionRules.objects.exists()


def test_the_action_refuses_someone_not_a_coalition_admin(people):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        promotion.do_set_promotion_rules(
            people.coalition,
            responder_vouches=1,
            dispatcher_months=0,
            dispatcher_referrals=0,
            actor=people.ana,
        )
    assert not PromotionRules.objects.exists()
