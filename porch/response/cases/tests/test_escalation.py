"""Escalation from accompaniment: a detention at a hearing becomes a legal handoff."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from porch.response.cases import actions
from porch.response.cases.models import LegalHandoff
from porch.volunteers.models import Shift, SignUp, Site, Slot

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2026, 12, 2, 12, 0, tzinfo=datetime.UTC)


def accompaniment(cast, purpose=Slot.Purpose.COURT_HEARING, volunteer=None):
    site = Site.objects.create(
        organisation=cast.org_a,
        kind=Site.Kind.COURT,
        name=f"Federal building {purpose}",
        zone=cast.zone,
    )
    day = NOON.date()
    slot = Slot.objects.create(
        site=site,
        purpose=purpose,
        weekdays="0123456",
        start_time=datetime.time(11),
        end_time=datetime.time(13),
        starts_on=day,
        ends_on=day,
    )
    shift = Shift.objects.create(
        slot=slot,
        date=day,
        starts_at=NOON - datetime.timedelta(hours=1),
        ends_at=NOON + datetime.timedelta(hours=1),
    )
    return SignUp.objects.create(shift=shift, volunteer=volunteer or cast.dee)


def escalate(signup, actor):
    return actions.do_escalate_detention(
        signup, what_happened="Detained after the hearing", contact_route="via pastor", actor=actor
    )


@time_machine.travel(NOON, tick=False)
def test_it_turns_a_detention_on_a_hearing_shift_into_a_handoff_for_the_sites_org(cast):
    handoff = escalate(accompaniment(cast), cast.dee)
    assert handoff.organisation == cast.org_a and handoff.zone == cast.zone
    assert handoff.source == LegalHandoff.Source.ACCOMPANIMENT
    assert handoff.created_at == timezone.now()


@time_machine.travel(NOON, tick=False)
def test_it_refuses_someone_not_on_the_shift_and_other_kinds_of_shift(cast):
    with pytest.raises(ValidationError):
        escalate(accompaniment(cast), cast.ben)
    with pytest.raises(ValidationError):
        escalate(accompaniment(cast, purpose=Slot.Purpose.PATROL), cast.dee)
    assert not LegalHandoff.objects.exists()


def test_it_refuses_once_the_shift_is_long_over(cast):
    signup = accompaniment(cast)
    with time_machine.travel(NOON + datetime.timedelta(hours=3), tick=False):
        with pytest.raises(ValidationError):
            escalate(signup, cast.dee)
    assert not LegalHandoff.objects.exists()


@time_machine.travel(NOON, tick=False)
def test_the_volunteer_raises_it_from_their_sign_up_page(cast, signed_in):
    signup = accompaniment(cast)
    url = f"/response/legal/signup/{signup.code}/detained/"
    assert signed_in(cast.ben).get(url).status_code == 404  # not his sign-up
    client = signed_in(cast.dee)
    assert f'href="{url}"' in client.get(signup.get_absolute_url()).content.decode()
    page = client.get(url)
    assert page.status_code == 200 and b"Federal building" in page.content
    empty = client.post(url, {"what_happened": "", "contact_route": ""})
    assert empty.status_code == 400 and not LegalHandoff.objects.exists()
    sent = client.post(url, {"what_happened": "Detained after the hearing", "contact_route": "x"})
    assert sent.status_code == 302
    handoff = LegalHandoff.objects.get()
    assert handoff.source == LegalHandoff.Source.ACCOMPANIMENT and handoff.zone == cast.zone


def test_the_page_refuses_once_the_shift_is_long_over(cast, signed_in):
    signup = accompaniment(cast)
    with time_machine.travel(NOON + datetime.timedelta(hours=3), tick=False):
        refused = signed_in(cast.dee).post(
            f"/response/legal/signup/{signup.code}/detained/",
            {"what_happened": "Detained", "contact_route": "x"},
        )
    assert refused.status_code == 400
    assert b"only during your accompaniment shift" in refused.content
    assert not LegalHandoff.objects.exists()
