"""Volunteers test fixtures: a Monday morning, a school with a bus stop, and
weekday drop-off and pick-up slots (DOMAIN.md W7)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from porch.accounts.roles import Role
from porch.coalition.models import Membership
from porch.core.models import AuditEntry
from porch.core.testing import make_member
from porch.volunteers.models import Site, Slot

ZONE = ZoneInfo("America/Chicago")
# Monday 2 March 2026, 06:00 in the coalition's time zone.
MONDAY = datetime.date(2026, 3, 2)
NOW = datetime.datetime(2026, 3, 2, 6, 0, tzinfo=ZONE)


@pytest.fixture(autouse=True)
def monday_morning():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def audit_actions():
    def _actions():
        return list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))

    return _actions


@pytest.fixture
def people(cast):
    """Org A patrol volunteers Pat and Quinn on the school team, besides the cast."""
    pat = make_member("pat", cast.org_a, Role.PATROL)
    quinn = make_member("quinn", cast.org_a, Role.PATROL)
    Membership.objects.filter(user__in=[pat, quinn]).update(team=cast.team_a)
    cast.people.update(pat=pat, quinn=quinn)
    return cast


@pytest.fixture
def school(people):
    return Site.objects.create(
        organisation=people.org_a,
        team=people.team_a,
        kind=Site.Kind.SCHOOL,
        name="Cedar Flats Elementary",
        zone=people.zone,
        meeting_point="East doors",
        kit=["vest", "whistle"],
    )


@pytest.fixture
def stop(school):
    return Site.objects.create(
        organisation=school.organisation,
        team=school.team,
        parent=school,
        kind=Site.Kind.BUS_STOP,
        name="Maple and 5th",
        kit=["vest", "whistle"],
    )


def weekday_slot(site, purpose, start, end, **extra) -> Slot:
    fields = dict(
        site=site,
        purpose=purpose,
        weekdays="01234",
        start_time=datetime.time(*start),
        end_time=datetime.time(*end),
        starts_on=MONDAY,
        ends_on=MONDAY + datetime.timedelta(days=60),
        min_staff=2,
        max_staff=3,
    )
    fields.update(extra)
    return Slot.objects.create(**fields)


@pytest.fixture
def drop_off(stop):
    return weekday_slot(stop, Slot.Purpose.DROP_OFF, (7, 15), (8, 15))


@pytest.fixture
def pick_up(stop):
    return weekday_slot(stop, Slot.Purpose.PICK_UP, (14, 45), (15, 45))
