"""R46 with real threads on the suite's database (SQLite or PostgreSQL):
twenty people racing for the last place get exactly one; one person racing
themselves is never double-booked."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from porch.accounts.roles import Role
from porch.core.testing import make_member
from porch.volunteers import actions
from porch.volunteers.models import Shift, SignUp, Slot

from .conftest import weekday_slot

TUESDAY = datetime.date(2026, 3, 3)


def race(targets):
    """Run each callable in its own thread, all released at once; returns
    (successes, refusals)."""
    barrier = threading.Barrier(len(targets))
    results, lock = [], threading.Lock()

    def run(target):
        try:
            barrier.wait()
            outcome = ("ok", target())
        except ValidationError as error:
            outcome = ("refused", error.messages[0])
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run, args=(target,)) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return [r for kind, r in results if kind == "ok"], [
        r for kind, r in results if kind == "refused"
    ]


@pytest.mark.django_db(transaction=True)
def test_it_gives_the_last_place_to_exactly_one_of_twenty(people, drop_off):
    Slot.objects.filter(pk=drop_off.pk).update(max_staff=3)
    drop_off.refresh_from_db()
    actions.do_sign_up(drop_off, TUESDAY, volunteer=people.pat, actor=people.pat)
    actions.do_sign_up(drop_off, TUESDAY, volunteer=people.quinn, actor=people.quinn)
    racers = [make_member(f"racer-{n}", people.org_a, Role.PATROL) for n in range(20)]

    def sign_up(user):
        return lambda: actions.do_sign_up(drop_off, TUESDAY, volunteer=user, actor=user)

    won, refused = race([sign_up(user) for user in racers])
    assert len(won) == 1
    assert len(refused) == 19
    assert set(refused) == {"This shift is full. Choose another day or slot."}
    assert Shift.objects.get().filled == 3
    assert SignUp.objects.filter(state=SignUp.State.ACTIVE).count() == 3


@pytest.mark.django_db(transaction=True)
def test_it_never_double_books_one_person_racing_themselves(people, drop_off, school):
    slots = [drop_off] + [
        weekday_slot(school, Slot.Purpose.PATROL, (7, 0 + n), (8, 0 + n), max_staff=5)
        for n in range(1, 10)
    ]

    def sign_up(slot):
        return lambda: actions.do_sign_up(slot, TUESDAY, volunteer=people.pat, actor=people.pat)

    won, refused = race([sign_up(slot) for slot in slots])
    assert len(won) == 1
    assert len(refused) == 9
    assert SignUp.objects.filter(volunteer=people.pat, state=SignUp.State.ACTIVE).count() == 1
    assert sum(Shift.objects.values_list("filled", flat=True)) == 1
