"""Which organisation receives a REPORT text when several staff a desk
(porch.response.sms.desk_organisation): the one staffing its hotline desk
now (earliest running shift first), else the coalition's designated
organisation, else the oldest organisation with a dispatcher."""

from datetime import timedelta
from types import SimpleNamespace

import pytest

from porch.core.testing import make_member
from porch.messaging import keywords
from porch.response import actions
from porch.response.models import Report
from porch.response.tests.fixtures import put_on_shift

pytestmark = pytest.mark.django_db


def _report_goes_to(text="REPORT Cedar Flats two vans"):
    keywords.route(SimpleNamespace(body=text, sender="+16125550177"))
    return Report.objects.order_by("-pk").first().organisation


def test_without_a_staffed_desk_or_a_designation_the_oldest_with_a_dispatcher(cast):
    make_member("dbo", cast.org_b, "dispatcher")
    assert _report_goes_to() == cast.org_b
    make_member("dao", cast.org_a, "dispatcher")
    assert _report_goes_to() == cast.org_a


def test_the_designated_organisation_when_no_desk_is_staffed(cast):
    make_member("dao", cast.org_a, "dispatcher")
    actions.do_set_response_settings(
        cast.coalition, answer_minutes=5, sms_organisation=cast.org_b, actor=cast.ana
    )
    assert _report_goes_to() == cast.org_b


def test_the_organisation_staffing_its_hotline_desk_now_wins(cast):
    dao = make_member("dao", cast.org_a, "dispatcher")
    dbo = make_member("dbo", cast.org_b, "dispatcher")
    actions.do_set_response_settings(
        cast.coalition, answer_minutes=5, sms_organisation=cast.org_a, actor=cast.ana
    )
    later = put_on_shift(dbo, cast.org_b, cast.zone_b)
    assert _report_goes_to() == cast.org_b
    # Both staffed: the desk shift that started first.
    earlier = put_on_shift(dao, cast.org_a, cast.zone)
    earlier.shift.starts_at = later.shift.starts_at - timedelta(minutes=30)
    earlier.shift.save()
    assert _report_goes_to() == cast.org_a
    # A verifier on a desk-site shift does not staff the desk.
    earlier.delete()
    put_on_shift(make_member("vea", cast.org_a, "verifier"), cast.org_a, cast.zone)
    later.delete()
    actions.do_set_response_settings(
        cast.coalition, answer_minutes=5, sms_organisation=cast.org_b, actor=cast.ana
    )
    assert _report_goes_to() == cast.org_b


def test_a_foreign_designation_is_refused(cast):
    from django.core.exceptions import ValidationError

    from porch.coalition.models import Coalition, Organisation

    other = Coalition.objects.create(name="Elsewhere", hotline="555-0199")
    stranger = Organisation.objects.create(coalition=other, name="Far away")
    with pytest.raises(ValidationError):
        actions.do_set_response_settings(
            cast.coalition, answer_minutes=5, sms_organisation=stranger, actor=cast.ana
        )
