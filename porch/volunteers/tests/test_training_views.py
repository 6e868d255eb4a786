"""Training: sessions with capacity and attendance, certificates with expiry
and reminders, a slot gated by training, and a trainer's bulk vouching of a
session's attendees through accounts' own vouching (W8)."""

import datetime

import pytest

from porch.accounts.models import User, Vouch
from porch.coalition.models import Coalition
from porch.messaging.models import OutboxMessage
from porch.volunteers import actions
from porch.volunteers.models import Attendance, Certification, Slot, TrainingSession

from .conftest import MONDAY, weekday_slot

pytestmark = pytest.mark.django_db


@pytest.fixture
def kyr(people):
    return actions.do_create_session(
        people.org_a,
        course="kyr",
        on_date=MONDAY,
        capacity=2,
        trainer=people.ana,
        actor=people.ana,
    )


def test_it_creates_a_session(people, signed_in, audit_actions):
    url = f"/volunteers/orgs/{people.org_a.code}/training/new/"
    client = signed_in(people.ana)
    assert client.get(url).status_code == 200
    response = client.post(url, {"course": "kyr", "on_date": "2026-03-05", "capacity": "12"})
    session = TrainingSession.objects.get()
    assert response.status_code == 302
    assert (session.course, session.trainer, session.capacity) == ("kyr", people.ana, 12)
    assert audit_actions()[-1] == "training.session_created"
    past = client.post(url, {"course": "kyr", "on_date": "2026-03-01", "capacity": "12"})
    assert past.status_code == 400
    assert "The day cannot be in the past." in past.content.decode()
    assert signed_in(people.pat).post(url, {"course": "kyr"}).status_code == 404
    assert signed_in(people.cal).get(url).status_code == 404
    assert TrainingSession.objects.count() == 1


def test_it_lists_sessions_to_members_only(people, signed_in, kyr):
    url = f"/volunteers/orgs/{people.org_a.code}/training/"
    assert list(signed_in(people.pat).get(url).context["sessions"]) == [kyr]
    assert signed_in(people.cal).get(url).status_code == 404
    assert signed_in(people.pat).get(f"/volunteers/training/{kyr.code}/").status_code == 200
    assert signed_in(people.cal).get(f"/volunteers/training/{kyr.code}/").status_code == 404


def test_it_takes_places_up_to_capacity(people, signed_in, kyr):
    url = f"/volunteers/training/{kyr.code}/register/"
    assert signed_in(people.pat).post(url).status_code == 302
    assert signed_in(people.pat).post(url).status_code == 400  # already has a place
    assert signed_in(people.quinn).post(url).status_code == 302
    full = signed_in(people.ben).post(url)
    assert full.status_code == 400
    assert "This session is full." in full.content.decode()
    assert Attendance.objects.count() == 2
    assert signed_in(people.pat).get(url).status_code == 405


def test_it_certifies_attendees_and_gates_a_slot_on_it(people, signed_in, kyr, stop):
    slot = weekday_slot(stop, Slot.Purpose.DROP_OFF, (7, 15), (8, 15), required_course="kyr")
    signup = f"/volunteers/slots/{slot.code}/signup/"
    refused = signed_in(people.pat).post(signup, {"day": "2026-03-03"})
    assert refused.status_code == 400
    assert "needs the “Know your rights” training" in refused.content.decode()
    url = f"/volunteers/training/{kyr.code}/attended/"
    assert signed_in(people.pat).post(url, {"handle": "pat"}).status_code == 404  # not its trainer
    assert signed_in(people.ana).post(url, {"handle": "pat"}).status_code == 302
    certificate = Certification.objects.get(volunteer=people.pat)
    assert (certificate.course, certificate.expires_on) == ("kyr", datetime.date(2027, 3, 2))
    assert Attendance.objects.get(volunteer=people.pat).attended
    assert signed_in(people.pat).post(signup, {"day": "2026-03-03"}).status_code == 302
    page = signed_in(people.pat).get("/volunteers/").content.decode()
    assert "Know your rights, valid until 2 March 2027" in page


def test_it_refuses_attendance_for_strangers_and_future_sessions(people, signed_in, kyr):
    url = f"/volunteers/training/{kyr.code}/attended/"
    assert signed_in(people.ana).post(url, {"handle": "cal"}).status_code == 400
    later = actions.do_create_session(
        people.org_a,
        course="verifier",
        on_date=MONDAY + datetime.timedelta(days=3),
        capacity=5,
        trainer=people.ana,
        actor=people.ana,
    )
    response = signed_in(people.ana).post(
        f"/volunteers/training/{later.code}/attended/", {"handle": "pat"}
    )
    assert response.status_code == 400
    assert not Certification.objects.exists()


def test_it_lets_the_trainer_vouch_for_the_attendees(people, signed_in, kyr, audit_actions):
    Coalition.objects.update(vouches_required=1)
    actions.do_mark_attended(kyr, people.pia, actor=people.ana)
    actions.do_mark_attended(kyr, people.pat, actor=people.ana)  # already active: skipped
    url = f"/volunteers/training/{kyr.code}/vouch/"
    assert signed_in(people.pat).post(url).status_code == 404
    response = signed_in(people.ana).post(url)
    assert response.status_code == 302
    assert list(Vouch.objects.values_list("voucher__handle", "vouchee__handle")) == [("ana", "pia")]
    assert User.objects.get(handle="pia").status == User.Status.ACTIVE
    assert "account.vouched" in audit_actions()
    assert signed_in(people.ana).post(url).status_code == 302  # nothing left to do
    assert Vouch.objects.count() == 1


def test_it_reminds_holders_of_expiring_certificates_once(people, kyr, monday_morning):
    actions.do_mark_attended(kyr, people.pat, actor=people.ana)
    assert actions.remind_expiring_certifications() == 0
    monday_morning.move_to(datetime.datetime(2027, 2, 10, 9, 0))
    assert actions.remind_expiring_certifications() == 1
    assert actions.remind_expiring_certifications() == 0
    assert list(OutboxMessage.objects.values_list("user__handle", flat=True)) == ["pat"]


def test_the_trainer_attests_for_attendees_once_the_session_took_place(
    people, signed_in, kyr, audit_actions
):
    # Two vouches are required (the cast's coalition), but one attestation is enough.
    actions.do_mark_attended(kyr, people.pia, actor=people.ana)
    url = f"/volunteers/training/{kyr.code}/attest/"
    assert signed_in(people.pat).post(url).status_code == 404
    response = signed_in(people.ana).post(url)
    assert response.status_code == 302
    assert User.objects.get(handle="pia").status == User.Status.ACTIVE
    assert "account.attested" in audit_actions()
    assert signed_in(people.ana).get(url).status_code == 405


def test_nobody_is_attested_before_the_session(people, signed_in):
    later = actions.do_create_session(
        people.org_a,
        course="kyr",
        on_date=datetime.date(2026, 3, 9),
        capacity=5,
        trainer=people.ana,
        actor=people.ana,
    )
    response = signed_in(people.ana).post(f"/volunteers/training/{later.code}/attest/")
    assert response.status_code == 400
    assert "once the session has taken place" in response.content.decode()
    assert User.objects.get(handle="pia").status == User.Status.PENDING
