"""Availability: a weekly pattern plus dated exceptions, the volunteer's own;
coordinators see who is free on a slot's days (issue 5 item 3)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from porch.volunteers import access, actions
from porch.volunteers.models import AvailabilityException, WeeklyAvailability

pytestmark = pytest.mark.django_db

URL = "/volunteers/availability/"
T = datetime.time


def week(**days):
    data = {f"day_{n}": "" for n in range(7)}
    data.update({f"day_{k[-1]}": v for k, v in days.items()})
    return data


def test_it_saves_a_weekly_pattern_and_shows_it_back(people, signed_in, audit_actions):
    client = signed_in(people.pat)
    response = client.post(URL, week(day_0="07:00-09:00, 14:30-16:00", day_2="07:00-08:30"))
    assert response.status_code == 302
    rows = list(
        WeeklyAvailability.objects.filter(volunteer=people.pat).values_list(
            "weekday", "start_time", "end_time"
        )
    )
    assert rows == [(0, T(7), T(9)), (0, T(14, 30), T(16)), (2, T(7), T(8, 30))]
    assert audit_actions()[-1] == "availability.weekly_set"
    page = client.get(URL)
    assert page.context["weekly_form"].initial["day_0"] == "07:00-09:00, 14:30-16:00"
    # Saving again replaces the pattern.
    client.post(URL, week(day_4="18:00-20:00"))
    assert list(
        WeeklyAvailability.objects.filter(volunteer=people.pat).values_list("weekday", flat=True)
    ) == [4]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("09:00-07:00", "A window must end after it starts"),
        ("07:00-09:00, 08:30-10:00", "Two of these windows overlap"),
        ("seven to nine", "Write each window as two times"),
        ("07:00-25:00", "is not a time window"),
    ],
)
def test_it_refuses_bad_windows_and_keeps_the_old_pattern(people, signed_in, text, message):
    client = signed_in(people.pat)
    client.post(URL, week(day_1="10:00-11:00"))
    response = client.post(URL, week(day_1=text))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert list(
        WeeklyAvailability.objects.filter(volunteer=people.pat).values_list("start_time", flat=True)
    ) == [T(10)]


def test_only_the_volunteer_sets_their_own_availability(people):
    with pytest.raises(actions.PermissionDenied):
        actions.do_set_weekly_availability(people.pat, {0: [(T(7), T(9))]}, actor=people.ana)


def test_it_adds_and_removes_an_exception(people, signed_in, audit_actions):
    client = signed_in(people.pat)
    response = client.post(f"{URL}exceptions/new/", {"on_date": "2026-03-04", "available": "0"})
    assert response.status_code == 302
    exception = AvailabilityException.objects.get(volunteer=people.pat)
    assert exception.whole_day and not exception.available
    assert "Wednesday 4 March 2026" in client.get(URL).content.decode()
    response = client.post(f"{URL}exceptions/{exception.code}/remove/")
    assert response.status_code == 302
    assert not AvailabilityException.objects.exists()
    assert audit_actions()[-2:] == [
        "availability.exception_added",
        "availability.exception_removed",
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"on_date": "2026-02-27"}, "That day has passed"),
        ({"on_date": "2027-06-01"}, "Choose a day within the next year"),
        ({"on_date": "2026-03-04", "start_time": "09:00"}, "Give both times"),
        (
            {"on_date": "2026-03-04", "start_time": "09:00", "end_time": "08:00"},
            "end must be after",
        ),
        ({"on_date": "2026-03-05", "start_time": "07:30", "end_time": "08:00"}, "overlaps another"),
    ],
)
def test_it_refuses_bad_exceptions(people, signed_in, data, message):
    AvailabilityException.objects.create(
        volunteer=people.pat, on_date=datetime.date(2026, 3, 5), start_time=T(7), end_time=T(9)
    )
    response = signed_in(people.pat).post(f"{URL}exceptions/new/", {"available": "0", **data})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert AvailabilityException.objects.count() == 1


def test_nobody_removes_someone_elses_exception(people, signed_in):
    exception = AvailabilityException.objects.create(
        volunteer=people.pat, on_date=datetime.date(2026, 3, 4)
    )
    response = signed_in(people.quinn).post(f"{URL}exceptions/{exception.code}/remove/")
    assert response.status_code == 404
    assert AvailabilityException.objects.filter(pk=exception.pk).exists()


def test_wrong_method_is_405(people, signed_in):
    client = signed_in(people.pat)
    assert client.get(f"{URL}exceptions/new/").status_code == 405
    assert client.put(URL).status_code == 405


def test_coordinators_see_who_is_free_on_the_slot_page(people, signed_in, drop_off):
    # Pat: Mondays and Tuesdays 07:00-09:00, away Tuesday 3rd. Quinn: only
    # an exception making him available on Wednesday 4th.
    actions.do_set_weekly_availability(
        people.pat, {0: [(T(7), T(9))], 1: [(T(7), T(9))]}, actor=people.pat
    )
    actions.do_add_availability_exception(
        people.pat, on_date=datetime.date(2026, 3, 3), actor=people.pat
    )
    actions.do_add_availability_exception(
        people.quinn,
        on_date=datetime.date(2026, 3, 4),
        start_time=T(7),
        end_time=T(8, 30),
        available=True,
        actor=people.quinn,
    )
    response = signed_in(people.ana).get(f"/volunteers/slots/{drop_off.code}/")
    free = {d["day"].isoformat(): d["available"] for d in response.context["days"][:5]}
    assert free == {
        "2026-03-02": ["pat"],
        "2026-03-03": [],
        "2026-03-04": ["quinn"],
        "2026-03-05": [],
        "2026-03-06": [],
    }
    assert "Free by their availability: pat" in response.content.decode()
    # Once signed up, Pat is on the roster, not in the suggestions.
    actions.do_sign_up(drop_off, datetime.date(2026, 3, 2), volunteer=people.pat, actor=people.pat)
    response = signed_in(people.ana).get(f"/volunteers/slots/{drop_off.code}/")
    assert response.context["days"][0]["available"] == []
    # Volunteers do not see others' availability.
    response = signed_in(people.quinn).get(f"/volunteers/slots/{drop_off.code}/")
    assert all(d["available"] == [] for d in response.context["days"])


def test_suggestions_cost_two_queries_whatever_the_people(
    people, drop_off, django_assert_num_queries
):
    for person in (people.pat, people.quinn):
        actions.do_set_weekly_availability(person, {0: [(T(6), T(10))]}, actor=person)
    days = access.upcoming_dates(drop_off)
    with django_assert_num_queries(2):
        free = access.available_members(drop_off, days)
    assert free[datetime.date(2026, 3, 2)] == ["pat", "quinn"]


def test_parse_windows_sorts():
    assert actions.parse_windows("14:00-15:00; 07:00–08:00") == [(T(7), T(8)), (T(14), T(15))]
    with pytest.raises(ValidationError):
        actions.parse_windows("07:00-08:00-09:00")
