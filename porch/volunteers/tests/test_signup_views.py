"""Signing up for a shift, cancelling, checking in and out (W7, R46)."""

import datetime

import pytest

from porch.volunteers.models import Shift, SignUp, Slot

from .conftest import ZONE, weekday_slot

pytestmark = pytest.mark.django_db


def signup_url(slot):
    return f"/volunteers/slots/{slot.code}/signup/"


def test_it_signs_a_volunteer_up_for_a_drop_off(people, signed_in, drop_off, audit_actions):
    response = signed_in(people.pat).post(signup_url(drop_off), {"day": "2026-03-03"})
    signup = SignUp.objects.get(volunteer=people.pat)
    assert response.status_code == 302
    assert response["Location"] == f"/volunteers/signups/{signup.code}/"
    assert signup.shift.date == datetime.date(2026, 3, 3)
    assert signup.shift.filled == 1
    assert audit_actions()[-1] == "signup.created"


def test_it_shows_the_slot_with_its_next_two_weeks(people, signed_in, drop_off):
    response = signed_in(people.pat).get(f"/volunteers/slots/{drop_off.code}/")
    assert response.status_code == 200
    assert [d["day"].isoformat() for d in response.context["days"]][:3] == [
        "2026-03-02",
        "2026-03-03",
        "2026-03-04",
    ]
    assert len(response.context["days"]) == 10  # weekdays only
    assert response.context["days"][0]["roster"] is None  # not a coordinator


def test_it_shows_coordinators_the_roster(people, signed_in, drop_off):
    signed_in(people.pat).post(signup_url(drop_off), {"day": "2026-03-02"})
    response = signed_in(people.ana).get(f"/volunteers/slots/{drop_off.code}/")
    assert [s.volunteer.handle for s in response.context["days"][0]["roster"]] == ["pat"]


def test_it_refuses_a_past_day(people, signed_in, drop_off):
    response = signed_in(people.pat).post(signup_url(drop_off), {"day": "2026-02-27"})
    assert response.status_code == 400
    assert "That day has passed" in response.content.decode()
    assert not SignUp.objects.exists()


def test_it_refuses_a_day_the_slot_does_not_run(people, signed_in, drop_off):
    response = signed_in(people.pat).post(signup_url(drop_off), {"day": "2026-03-07"})
    assert response.status_code == 400
    assert "does not run on that day" in response.content.decode()
    assert not Shift.objects.exists()


def test_it_refuses_a_malformed_day(people, signed_in, drop_off):
    response = signed_in(people.pat).post(signup_url(drop_off), {"day": "next tuesday"})
    assert response.status_code == 400
    assert not SignUp.objects.exists()


def test_it_refuses_a_shift_that_has_ended(people, signed_in, drop_off, monday_morning):
    monday_morning.move_to(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=ZONE))
    response = signed_in(people.pat).post(signup_url(drop_off), {"day": "2026-03-02"})
    assert response.status_code == 400
    assert "already ended" in response.content.decode()


def test_it_refuses_an_overlapping_sign_up(people, signed_in, drop_off, school):
    other = weekday_slot(school, Slot.Purpose.PATROL, (8, 0), (9, 0))
    client = signed_in(people.pat)
    client.post(signup_url(drop_off), {"day": "2026-03-03"})
    response = client.post(signup_url(other), {"day": "2026-03-03"})
    assert response.status_code == 400
    assert "already signed up for a shift at that time" in response.content.decode()
    assert SignUp.objects.filter(volunteer=people.pat).count() == 1
    # Another day is fine.
    assert client.post(signup_url(other), {"day": "2026-03-04"}).status_code == 302


def test_it_refuses_signing_up_twice_for_one_shift(people, signed_in, drop_off):
    client = signed_in(people.pat)
    client.post(signup_url(drop_off), {"day": "2026-03-03"})
    assert client.post(signup_url(drop_off), {"day": "2026-03-03"}).status_code == 400
    assert Shift.objects.get().filled == 1


def test_it_refuses_a_full_shift(people, signed_in, drop_off):
    Slot.objects.filter(pk=drop_off.pk).update(max_staff=2, min_staff=1)
    signed_in(people.pat).post(signup_url(drop_off), {"day": "2026-03-03"})
    signed_in(people.quinn).post(signup_url(drop_off), {"day": "2026-03-03"})
    response = signed_in(people.ben).post(signup_url(drop_off), {"day": "2026-03-03"})
    assert response.status_code == 400
    assert "This shift is full" in response.content.decode()
    assert Shift.objects.get().filled == 2


def test_it_refuses_a_slot_needing_a_role_the_volunteer_lacks(people, signed_in, stop):
    slot = weekday_slot(stop, Slot.Purpose.STAFF_ESCORT, (7, 0), (7, 30), required_role="driver")
    response = signed_in(people.pat).post(signup_url(slot), {"day": "2026-03-03"})
    assert response.status_code == 400
    assert "needs the role" in response.content.decode()
    assert signed_in(people.ben).post(signup_url(slot), {"day": "2026-03-03"}).status_code == 302


def test_it_hides_a_slot_from_another_organisation(people, signed_in, drop_off):
    assert (
        signed_in(people.cal).post(signup_url(drop_off), {"day": "2026-03-03"}).status_code == 404
    )
    assert signed_in(people.cal).get(f"/volunteers/slots/{drop_off.code}/").status_code == 404
    assert not SignUp.objects.exists()


def test_it_hides_a_slot_from_someone_waiting_for_vouches(people, signed_in, drop_off):
    assert (
        signed_in(people.pia).post(signup_url(drop_off), {"day": "2026-03-03"}).status_code == 404
    )


def test_it_refuses_other_methods_on_sign_up(people, signed_in, drop_off):
    assert signed_in(people.pat).get(signup_url(drop_off)).status_code == 405
    assert signed_in(people.pat).post(f"/volunteers/slots/{drop_off.code}/").status_code == 405


def test_it_cancels_a_sign_up_and_frees_the_place(people, signed_in, drop_off, audit_actions):
    client = signed_in(people.pat)
    client.post(signup_url(drop_off), {"day": "2026-03-03"})
    signup = SignUp.objects.get()
    assert client.post(f"/volunteers/signups/{signup.code}/cancel/").status_code == 302
    signup.refresh_from_db()
    assert signup.state == SignUp.State.CANCELLED
    assert Shift.objects.get().filled == 0
    assert audit_actions()[-1] == "signup.cancelled"
    assert client.post(f"/volunteers/signups/{signup.code}/cancel/").status_code == 400


def test_it_keeps_a_sign_up_private_to_its_volunteer(people, signed_in, drop_off):
    signed_in(people.pat).post(signup_url(drop_off), {"day": "2026-03-03"})
    signup = SignUp.objects.get()
    for path in ("", "cancel/", "check-in/", "check-out/", "swap/"):
        url = f"/volunteers/signups/{signup.code}/{path}"
        method = signed_in(people.quinn).get if not path else signed_in(people.quinn).post
        assert method(url).status_code == 404, url
    assert signed_in(people.pat).get(f"/volunteers/signups/{signup.code}/").status_code == 200
    assert (
        signed_in(people.pat).get(f"/volunteers/signups/{signup.code}/cancel/").status_code == 405
    )
    assert SignUp.objects.get().state == SignUp.State.ACTIVE


def test_it_checks_in_with_kit_and_out(people, signed_in, drop_off, monday_morning):
    client = signed_in(people.pat)
    client.post(signup_url(drop_off), {"day": "2026-03-02"})
    signup = SignUp.objects.get()
    early = client.post(f"/volunteers/signups/{signup.code}/check-in/", {"kit": ["vest"]})
    assert early.status_code == 400  # 06:00, more than an hour before 07:15
    monday_morning.move_to(datetime.datetime(2026, 3, 2, 7, 10, tzinfo=ZONE))
    client = signed_in(people.pat)
    url = f"/volunteers/signups/{signup.code}/check-in/"
    assert client.post(url, {"kit": ["vest", "whistle"]}).status_code == 302
    assert client.post(f"/volunteers/signups/{signup.code}/check-out/").status_code == 302
    signup.refresh_from_db()
    assert (signup.checked_in, signup.checked_out, signup.kit_checked) == (
        True,
        True,
        ["vest", "whistle"],
    )


def test_it_refuses_kit_the_site_does_not_list(people, signed_in, drop_off, monday_morning):
    signed_in(people.pat).post(signup_url(drop_off), {"day": "2026-03-02"})
    signup = SignUp.objects.get()
    monday_morning.move_to(datetime.datetime(2026, 3, 2, 7, 10, tzinfo=ZONE))
    response = signed_in(people.pat).post(
        f"/volunteers/signups/{signup.code}/check-in/", {"kit": ["crowbar"]}
    )
    assert response.status_code == 400
    signup.refresh_from_db()
    assert not signup.checked_in


def test_it_lists_my_shifts_on_my_page(people, signed_in, drop_off, pick_up):
    client = signed_in(people.pat)
    client.post(signup_url(drop_off), {"day": "2026-03-03"})
    client.post(signup_url(pick_up), {"day": "2026-03-03"})
    response = client.get("/volunteers/")
    assert response.status_code == 200
    assert [s.shift.slot for s in response.context["signups"]] == [drop_off, pick_up]
    assert "Maple and 5th" in response.content.decode()


def test_it_returns_a_locked_members_places(people, drop_off, django_capture_on_commit_callbacks):
    from porch.accounts.actions import do_lock_account
    from porch.volunteers import actions

    signup = actions.do_sign_up(
        drop_off, datetime.date(2026, 3, 3), volunteer=people.pat, actor=people.pat
    )
    swap = actions.do_offer_swap(signup, to_volunteer=people.quinn, actor=people.pat)
    with django_capture_on_commit_callbacks(execute=True):
        do_lock_account(people.pat, actor=people.ana)
    signup.refresh_from_db()
    swap.refresh_from_db()
    assert (signup.state, swap.state) == ("cancelled", "withdrawn")
    assert Shift.objects.get().filled == 0
