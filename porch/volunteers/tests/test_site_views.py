"""Sites and slots: a coordinator creates a school, its bus stops and their
recurring slots; malformed recurrences are refused with clear messages."""

import datetime

import pytest

from porch.volunteers import actions
from porch.volunteers.models import Shift, SignUp, Site, Slot

pytestmark = pytest.mark.django_db

SLOT = {
    "purpose": "drop_off",
    "weekdays": ["0", "1", "2", "3", "4"],
    "start_time": "07:15",
    "end_time": "08:15",
    "starts_on": "2026-03-02",
    "ends_on": "2026-06-12",
    "min_staff": "2",
    "max_staff": "4",
}


def new_site_url(cast):
    return f"/volunteers/orgs/{cast.org_a.code}/sites/new/"


def test_it_lets_a_coordinator_create_a_school_and_a_bus_stop(people, signed_in, audit_actions):
    client = signed_in(people.ana)
    assert client.get(new_site_url(people)).status_code == 200
    response = client.post(
        new_site_url(people),
        {
            "kind": "school",
            "name": "Cedar Flats Elementary",
            "zone": people.zone.code,
            "team": people.team_a.code,
            "kit": ["vest", "whistle"],
        },
    )
    school = Site.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/volunteers/sites/{school.code}/"
    assert (school.kind, school.team, school.kit) == ("school", people.team_a, ["vest", "whistle"])
    response = client.post(
        new_site_url(people), {"kind": "bus_stop", "name": "Maple and 5th", "parent": school.code}
    )
    assert response.status_code == 302
    assert Site.objects.get(name="Maple and 5th").parent == school
    assert audit_actions()[-2:] == ["site.created", "site.created"]
    page = client.get(f"/volunteers/sites/{school.code}/")
    assert "Maple and 5th" in page.content.decode()


def test_it_refuses_a_school_under_a_school(people, signed_in, school):
    response = signed_in(people.ana).post(
        new_site_url(people), {"kind": "school", "name": "Annex", "parent": school.code}
    )
    assert response.status_code == 400
    assert "Only a bus stop can belong to a school." in response.content.decode()
    assert Site.objects.count() == 1


def test_it_refuses_a_duplicate_site_name(people, signed_in, school):
    response = signed_in(people.ana).post(
        new_site_url(people), {"kind": "school", "name": "cedar flats ELEMENTARY"}
    )
    assert response.status_code == 400
    assert Site.objects.count() == 1


def test_it_does_not_let_a_volunteer_create_a_site(people, signed_in):
    assert (
        signed_in(people.pat)
        .post(new_site_url(people), {"kind": "school", "name": "X"})
        .status_code
        == 404
    )
    assert not Site.objects.exists()


def test_it_does_not_let_a_coalition_admin_manage_another_orgs_sites(people, signed_in):
    url = f"/volunteers/orgs/{people.org_b.code}/sites/new/"
    assert signed_in(people.hal).get(url).status_code == 404
    assert signed_in(people.ana).get(url).status_code == 404


def test_it_refuses_other_methods_on_site_creation(people, signed_in):
    assert signed_in(people.ana).put(new_site_url(people)).status_code == 405


def test_it_shows_a_site_to_members_and_hides_it_from_others(people, signed_in, school):
    url = f"/volunteers/sites/{school.code}/"
    assert signed_in(people.pat).get(url).status_code == 200
    assert signed_in(people.pat).get(url).context["coverage"] is None
    assert signed_in(people.cal).get(url).status_code == 404
    assert signed_in(people.pia).get(url).status_code == 404
    assert signed_in(people.ana).post(url).status_code == 405


def test_it_edits_a_site(people, signed_in, school):
    url = f"/volunteers/sites/{school.code}/edit/"
    assert signed_in(people.ana).get(url).status_code == 200
    response = signed_in(people.ana).post(url, {"name": "Cedar Flats School", "kit": ["vest"]})
    assert response.status_code == 302
    school.refresh_from_db()
    assert (school.name, school.kit, school.team) == ("Cedar Flats School", ["vest"], None)
    assert signed_in(people.pat).post(url, {"name": "Mine"}).status_code == 404


def test_it_archives_a_site_and_cancels_its_future_shifts(people, signed_in, drop_off):
    actions.do_sign_up(drop_off, datetime.date(2026, 3, 3), volunteer=people.pat, actor=people.pat)
    school = drop_off.site.parent
    assert signed_in(people.ana).get(f"/volunteers/sites/{school.code}/archive/").status_code == 405
    response = signed_in(people.ana).post(f"/volunteers/sites/{school.code}/archive/")
    assert response.status_code == 302
    assert set(Site.objects.values_list("archived", flat=True)) == {True}  # the stop too
    assert SignUp.objects.get().state == SignUp.State.CANCELLED
    assert Shift.objects.get().filled == 0
    assert signed_in(people.pat).get(f"/volunteers/slots/{drop_off.code}/").status_code == 404


def slot_url(site):
    return f"/volunteers/sites/{site.code}/slots/new/"


def test_it_creates_a_weekday_drop_off_slot(people, signed_in, stop, audit_actions):
    client = signed_in(people.ana)
    assert client.get(slot_url(stop)).status_code == 200
    response = client.post(slot_url(stop), SLOT)
    slot = Slot.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/volunteers/slots/{slot.code}/"
    assert (slot.weekdays, slot.start_time, slot.end_time) == (
        "01234",
        datetime.time(7, 15),
        datetime.time(8, 15),
    )
    assert audit_actions()[-1] == "slot.created"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"weekdays": []}, "weekdays", "This field is required."),
        ({"weekdays": ["7"]}, "weekdays", "Select a valid choice."),
        ({"end_time": "07:15"}, "end_time", "A shift cannot end at the time it starts."),
        ({"end_time": "25:00"}, "end_time", "Enter a valid time."),
        ({"start_time": "06:00", "end_time": "23:00"}, "end_time", "at most 16 hours"),
        ({"starts_on": "2026-02-27"}, "starts_on", "The first day cannot be in the past."),
        ({"ends_on": "2026-03-01"}, "ends_on", "The last day must be on or after the first day."),
        ({"ends_on": "2027-06-01"}, "ends_on", "at most a year"),
        (
            {"weekdays": ["5"], "starts_on": "2026-03-02", "ends_on": "2026-03-06"},
            "weekdays",
            "None of these weekdays falls between the first and last day.",
        ),
        ({"min_staff": "3", "max_staff": "2"}, "max_staff", "at least the minimum"),
        ({"min_staff": "0"}, "min_staff", "greater than or equal to 1"),
        ({"purpose": "surveillance"}, "purpose", "Select a valid choice."),
    ],
)
def test_it_refuses_a_malformed_recurrence(people, signed_in, stop, change, field, message):
    response = signed_in(people.ana).post(slot_url(stop), {**SLOT, **change})
    assert response.status_code == 400
    errors = " ".join(response.context["form"].errors.get(field, []))
    assert message in errors
    assert not Slot.objects.exists()


def test_it_accepts_an_overnight_desk_shift(people, cast, stop):
    desk = Site.objects.create(organisation=people.org_a, kind="hotline_desk", name="Hotline")
    slot = actions.do_create_slot(
        desk,
        purpose="desk",
        weekdays=["0", "1", "2", "3", "4", "5", "6"],
        start_time=datetime.time(19, 0),
        end_time=datetime.time(7, 0),
        starts_on=datetime.date(2026, 3, 2),
        ends_on=datetime.date(2026, 3, 31),
        min_staff=1,
        max_staff=2,
        actor=people.ana,
    )
    start, end = slot.window(datetime.date(2026, 3, 7))  # the night DST begins
    utc = datetime.UTC
    assert end.astimezone(utc) - start.astimezone(utc) == datetime.timedelta(hours=11)
    assert end.date() == datetime.date(2026, 3, 8)


def test_it_does_not_let_a_volunteer_create_a_slot(people, signed_in, stop):
    assert signed_in(people.pat).post(slot_url(stop), SLOT).status_code == 404
    assert signed_in(people.cal).get(slot_url(stop)).status_code == 404
    assert signed_in(people.ana).put(slot_url(stop)).status_code == 405
    assert not Slot.objects.exists()


def test_it_stops_a_slot_and_cancels_its_future_sign_ups(people, signed_in, drop_off):
    actions.do_sign_up(drop_off, datetime.date(2026, 3, 4), volunteer=people.pat, actor=people.pat)
    url = f"/volunteers/slots/{drop_off.code}/archive/"
    assert signed_in(people.pat).post(url).status_code == 404
    assert signed_in(people.ana).post(url).status_code == 302
    assert SignUp.objects.get().state == SignUp.State.CANCELLED
