"""Swaps: offer one's place to a colleague, who accepts or declines (W7)."""

import datetime

import pytest

from porch.volunteers import actions
from porch.volunteers.models import Shift, SignUp, Slot, Swap

from .conftest import weekday_slot

pytestmark = pytest.mark.django_db
TUESDAY = datetime.date(2026, 3, 3)


@pytest.fixture
def pats_signup(people, drop_off):
    return actions.do_sign_up(drop_off, TUESDAY, volunteer=people.pat, actor=people.pat)


def offer(client, signup, handle):
    return client.post(f"/volunteers/signups/{signup.code}/swap/", {"handle": handle})


def test_it_swaps_a_shift_when_the_colleague_accepts(people, signed_in, pats_signup, audit_actions):
    response = offer(signed_in(people.pat), pats_signup, "Quinn")
    swap = Swap.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/volunteers/swaps/{swap.code}/"
    assert SignUp.objects.get().state == SignUp.State.ACTIVE  # nothing moves before accepting
    quinn = signed_in(people.quinn)
    assert list(quinn.get("/volunteers/").context["swaps_waiting"]) == [swap]
    assert quinn.get(f"/volunteers/swaps/{swap.code}/").status_code == 200
    response = quinn.post(f"/volunteers/swaps/{swap.code}/accept/")
    taken = SignUp.objects.get(volunteer=people.quinn)
    assert response.status_code == 302
    assert response["Location"] == f"/volunteers/signups/{taken.code}/"
    pats_signup.refresh_from_db()
    assert pats_signup.state == SignUp.State.SWAPPED
    assert (taken.state, taken.shift) == (SignUp.State.ACTIVE, pats_signup.shift)
    assert Shift.objects.get().filled == 1
    assert audit_actions()[-2:] == ["swap.offered", "swap.accepted"]
    assert quinn.post(f"/volunteers/swaps/{swap.code}/accept/").status_code == 400


def test_it_lets_the_colleague_decline(people, signed_in, pats_signup):
    offer(signed_in(people.pat), pats_signup, "quinn")
    swap = Swap.objects.get()
    assert signed_in(people.pat).post(f"/volunteers/swaps/{swap.code}/accept/").status_code == 404
    assert (
        signed_in(people.quinn).post(f"/volunteers/swaps/{swap.code}/decline/").status_code == 302
    )
    swap.refresh_from_db()
    assert swap.state == Swap.State.DECLINED
    assert SignUp.objects.get().volunteer == people.pat


def test_it_lets_the_offerer_withdraw(people, signed_in, pats_signup):
    offer(signed_in(people.pat), pats_signup, "quinn")
    swap = Swap.objects.get()
    assert (
        signed_in(people.quinn).post(f"/volunteers/swaps/{swap.code}/withdraw/").status_code == 404
    )
    assert signed_in(people.pat).post(f"/volunteers/swaps/{swap.code}/withdraw/").status_code == 302
    swap.refresh_from_db()
    assert swap.state == Swap.State.WITHDRAWN


def test_it_hides_a_swap_from_everyone_else(people, signed_in, pats_signup):
    offer(signed_in(people.pat), pats_signup, "quinn")
    swap = Swap.objects.get()
    for user in (people.ben, people.cal, people.ana):
        assert signed_in(user).get(f"/volunteers/swaps/{swap.code}/").status_code == 404
        assert signed_in(user).post(f"/volunteers/swaps/{swap.code}/accept/").status_code == 404
    assert signed_in(people.quinn).get(f"/volunteers/swaps/{swap.code}/accept/").status_code == 405


def test_it_refuses_a_swap_to_someone_outside_the_organisation(people, signed_in, pats_signup):
    for handle in ("cal", "nobody-here-000", "pat"):
        response = offer(signed_in(people.pat), pats_signup, handle)
        assert response.status_code == 400, handle
    assert not Swap.objects.exists()


def test_it_refuses_a_second_open_offer(people, signed_in, pats_signup):
    offer(signed_in(people.pat), pats_signup, "quinn")
    response = offer(signed_in(people.pat), pats_signup, "ben")
    assert response.status_code == 400
    assert Swap.objects.count() == 1


def test_it_refuses_accepting_a_shift_that_clashes(people, signed_in, pats_signup, school):
    other = weekday_slot(school, Slot.Purpose.PATROL, (7, 30), (8, 30))
    actions.do_sign_up(other, TUESDAY, volunteer=people.quinn, actor=people.quinn)
    offer(signed_in(people.pat), pats_signup, "quinn")
    swap = Swap.objects.get()
    response = signed_in(people.quinn).post(f"/volunteers/swaps/{swap.code}/accept/")
    assert response.status_code == 400
    assert "already signed up for a shift at that time" in response.content.decode()
    pats_signup.refresh_from_db()
    assert pats_signup.state == SignUp.State.ACTIVE


def test_it_exchanges_two_shifts(people, drop_off, pick_up, pats_signup):
    quinns = actions.do_sign_up(pick_up, TUESDAY, volunteer=people.quinn, actor=people.quinn)
    swap = actions.do_offer_swap(
        pats_signup, to_volunteer=people.quinn, exchange=quinns, actor=people.pat
    )
    actions.do_accept_swap(swap, actor=people.quinn)
    active = SignUp.objects.filter(state=SignUp.State.ACTIVE)
    assert {(s.volunteer.handle, s.shift.slot.purpose) for s in active} == {
        ("quinn", "drop_off"),
        ("pat", "pick_up"),
    }


def test_it_closes_offers_when_the_sign_up_is_cancelled(people, signed_in, pats_signup):
    offer(signed_in(people.pat), pats_signup, "quinn")
    signed_in(people.pat).post(f"/volunteers/signups/{pats_signup.code}/cancel/")
    assert Swap.objects.get().state == Swap.State.WITHDRAWN
