"""The coalition panel on the home page: what waits for a manager."""

from datetime import timedelta

import pytest
from django.utils import timezone

from porch.coalition.models import Referral

pytestmark = pytest.mark.django_db


def test_it_counts_waiting_referrals_and_roles_for_managers(cast, signed_in):
    from porch.volunteers.models import Certification, Course

    # Driver needs its training (the volunteers app's check on every grant).
    Certification.objects.create(
        volunteer=cast.dee,
        course=Course.DRIVER_SAFETY,
        expires_on=timezone.localdate() + timedelta(days=365),
    )
    Referral.objects.create(from_organisation=cast.org_b, to_organisation=cast.org_a, summary="x")
    signed_in(cast.eve).post(
        f"/coalition/orgs/{cast.org_a.code}/roles/grant/",
        {"member": "dee", "role": "driver"},
    )
    response = signed_in(cast.fay).get("/")
    body = response.content.decode()
    assert "1 referral waits for an answer." in body
    assert "1 role waits for a second admin." in body
    assert 'href="/coalition/referrals/"' in body
    assert 'href="/approvals/"' in body


def test_it_shows_no_panel_to_members_who_manage_nothing(cast, signed_in):
    response = signed_in(cast.ben).get("/")
    assert response.status_code == 200
    assert "waits for" not in response.content.decode()
