"""Objects the authorization matrix acts upon (porch/volunteers/tests/matrix.py
and porch/api/tests/matrix_volunteers.py): in organisation A a school with a
slot running every day, Vic's sign-up for tomorrow, a swap offered by Vic to
Ben, a walking group and a training session by Ana; the same in B for Cal."""

import datetime

from django.utils import timezone

from porch.accounts.roles import Role
from porch.volunteers.models import (
    AvailabilityException,
    Shift,
    SignUp,
    Site,
    Slot,
    Swap,
    TrainingSession,
    WalkingGroup,
)


def tomorrow() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=1)


def world_objects(w, state: str) -> dict:
    own = state == "own"
    organisation = w.org_a if own else w.org_b
    volunteer = w.vic if own else w.cal
    colleague = w.ben if own else w.member(w.org_b, Role.VOLUNTEER, prefix="b")
    trainer = w.ana if own else w.cal
    school = Site.objects.create(
        organisation=organisation, kind=Site.Kind.SCHOOL, name=f"Matrix school {state}"
    )
    today = timezone.localdate()
    slot = Slot.objects.create(
        site=school,
        purpose=Slot.Purpose.DROP_OFF,
        weekdays="0123456",
        start_time=datetime.time(7, 15),
        end_time=datetime.time(8, 15),
        starts_on=today,
        ends_on=today + datetime.timedelta(days=30),
        min_staff=1,
        max_staff=4,
    )
    day = tomorrow() + datetime.timedelta(days=1)
    starts_at, ends_at = slot.window(day)
    shift = Shift.objects.create(
        slot=slot, date=day, starts_at=starts_at, ends_at=ends_at, filled=1
    )
    signup = SignUp.objects.create(shift=shift, volunteer=volunteer)
    swap = Swap.objects.create(signup=signup, to_volunteer=colleague)
    group = WalkingGroup.objects.create(slot=slot, label="Blue", age_band="7-9", children=5)
    session = TrainingSession.objects.create(
        organisation=organisation, course="kyr", on_date=tomorrow(), capacity=30, trainer=trainer
    )
    return {
        "organisation": organisation,
        "site": school,
        "slot": slot,
        "signup": signup,
        "swap": swap,
        "group": group,
        "session": session,
        "exception": AvailabilityException.objects.create(
            volunteer=volunteer, on_date=tomorrow(), available=False
        ),
    }


def feed_token(w, state: str) -> str:
    """A live calendar feed secret: Vic's (own), or one never issued (other)."""
    from porch.volunteers.actions import do_issue_calendar_feed

    if state == "own":
        return do_issue_calendar_feed(w.vic, actor=w.vic)
    return "n" * 43
