"""Each organisation's view of referrals sent and received, linking to the coalition's pages."""

import pytest

from porch.coalition.models import Referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def referrals(cast):
    sent = Referral.objects.create(
        from_organisation=cast.org_a, to_organisation=cast.org_b, summary="Needs groceries."
    )
    received = Referral.objects.create(
        from_organisation=cast.org_b, to_organisation=cast.org_a, summary="Needs a ride."
    )
    return sent, received


def test_it_lists_an_organisations_referrals_sent_and_received(cast, signed_in, referrals):
    sent, received = referrals
    response = signed_in(cast.ana).get(f"/campaigns/orgs/{cast.org_a.code}/referrals/")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="/coalition/referrals/{sent.code}/"' in html
    assert f'href="/coalition/referrals/{received.code}/"' in html
    assert "Received (1)" in html and "Sent (1)" in html
    assert "1 referral waits for an answer." in html
    # The summary is for the referral's own page, not the list.
    assert "Needs a ride." not in html


def test_it_is_not_found_for_another_organisations_inbox(cast, signed_in, referrals):
    assert (
        signed_in(cast.ana).get(f"/campaigns/orgs/{cast.org_b.code}/referrals/").status_code == 404
    )


@pytest.mark.parametrize("who", ["ben", "cal", "hal"])
def test_it_is_not_found_for_people_outside_the_organisations_managers(cast, signed_in, who):
    # Hal, a coalition admin whose own role sits in org B, counts A's referrals on the
    # dashboard but does not read them (R33), as on the coalition's referral pages.
    url = f"/campaigns/orgs/{cast.org_a.code}/referrals/"
    assert signed_in(getattr(cast, who)).get(url).status_code == 404


def test_it_refuses_other_methods(cast, signed_in):
    url = f"/campaigns/orgs/{cast.org_a.code}/referrals/"
    assert signed_in(cast.ana).post(url).status_code == 405
