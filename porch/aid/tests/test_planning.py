"""Planning through the real Django path: named drivers (languages and
availability), moving a stop and re-planning, the zone-level plan map."""

import datetime

import pytest
from django.utils import timezone

from porch.accounts.actions import do_create_api_token
from porch.aid.models import AidRequest, DeliveryRun, Stop
from porch.aid.planning import free_windows
from porch.aid.tests.fixtures import CANARY_ADDRESS, confirmed_request, hub_for
from porch.core.models import AuditEntry
from porch.core.testing import make_member
from porch.volunteers.models import AvailabilityException, WeeklyAvailability

pytestmark = pytest.mark.django_db

DAY = timezone.localdate() + datetime.timedelta(days=2)
T = datetime.time


def _free(user, start=9, end=12):
    WeeklyAvailability.objects.create(
        volunteer=user, weekday=DAY.weekday(), start_time=T(start), end_time=T(end)
    )


def _speaks(user, language):
    user.language = language
    user.save(update_fields=["language"])


def _plan(client, org, hub, *, cars=0, capacity=1, start=8, end=20):
    return client.post(
        f"/aid/orgs/{org.code}/plan/",
        {
            "day": DAY.isoformat(),
            "hub": hub.code,
            "drivers": str(cars),
            "capacity": str(capacity),
            "start_hour": str(start),
            "end_hour": str(end),
        },
    )


def _households(cast, *specs):
    made = []
    for k, (language, point, extra) in enumerate(specs):
        made.append(
            confirmed_request(
                cast.org_a,
                cast.zone,
                number=f"+1612555{k:04d}",
                point=point,
                language=language,
                size=2,
                **extra,
            )
        )
    return made


def _driver_of(request):
    return Stop.objects.select_related("run__driver").get(request=request).run.driver


def test_the_households_language_changes_which_named_driver_gets_it(cast, signed_in):
    hub = hub_for(cast.org_a, cast.zone)
    dan = make_member("dan", cast.org_a, "driver")
    for user in (cast.ben, dan):
        _free(user)
    _speaks(cast.ben, "so")
    _speaks(dan, "es")
    somali, spanish = _households(
        cast, ("so", (45.010, -93.290), {}), ("es", (45.000, -93.300), {})
    )
    client = signed_in(cast.ana)
    assert _plan(client, cast.org_a, hub).status_code == 302
    assert _driver_of(somali) == cast.ben and _driver_of(spanish) == dan

    # The same day with the drivers' languages swapped: the runs swap too.
    _speaks(cast.ben, "es")
    _speaks(dan, "so")
    assert _plan(client, cast.org_a, hub).status_code == 302
    assert _driver_of(somali) == dan and _driver_of(spanish) == cast.ben

    # Before publishing, a driver does not see the draft planned for them.
    ben_run = Stop.objects.get(request=spanish).run
    ben = signed_in(cast.ben)
    assert ben_run.code not in ben.get("/aid/").content.decode()
    assert ben.get(f"/aid/runs/{ben_run.code}/").status_code == 404
    client = signed_in(cast.ana)

    # Published, a run planned for a driver is theirs; the page names them.
    page = client.get(f"/aid/orgs/{cast.org_a.code}/plan/?day={DAY}").content.decode()
    assert "ben" in page and "dan" in page
    assert (
        client.post(
            f"/aid/orgs/{cast.org_a.code}/plan/publish/", {"day": DAY.isoformat()}
        ).status_code
        == 302
    )
    assert set(DeliveryRun.objects.values_list("status", "driver__handle")) == {
        ("claimed", "ben"),
        ("claimed", "dan"),
    }
    assert ben_run.code in signed_in(cast.ben).get("/aid/").content.decode()


def test_the_volunteer_profiles_languages_count_too(cast, signed_in):
    from porch.volunteers.models import Volunteer

    hub = hub_for(cast.org_a, cast.zone)
    dan = make_member("dan", cast.org_a, "driver")
    for user in (cast.ben, dan):
        _free(user)
    # Dan uses Porch in English but told us he speaks Somali.
    Volunteer.objects.create(user=dan, languages=["so"])
    somali, english = _households(
        cast, ("so", (45.010, -93.290), {}), ("en", (45.000, -93.300), {})
    )
    assert _plan(signed_in(cast.ana), cast.org_a, hub).status_code == 302
    assert _driver_of(somali) == dan and _driver_of(english) == cast.ben


def test_a_driver_away_that_day_is_not_planned_and_the_reason_is_the_language(cast, signed_in):
    hub = hub_for(cast.org_a, cast.zone)
    dan = make_member("dan", cast.org_a, "driver")
    for user in (cast.ben, dan):
        _free(user)
    _speaks(cast.ben, "so")
    _speaks(dan, "es")
    AvailabilityException.objects.create(volunteer=dan, on_date=DAY, available=False)
    somali, spanish = _households(
        cast, ("so", (45.010, -93.290), {}), ("es", (45.000, -93.300), {})
    )
    client = signed_in(cast.ana)
    assert _plan(client, cast.org_a, hub, capacity=5).status_code == 302
    assert _driver_of(somali) == cast.ben
    assert not Stop.objects.filter(request=spanish).exists()
    spanish.refresh_from_db()
    assert spanish.unassigned_reason == "no_language"
    page = client.get(f"/aid/orgs/{cast.org_a.code}/plan/?day={DAY}").content.decode()
    assert "No driver speaks the household&#x27;s language." in page


def test_a_drivers_window_comes_from_the_pattern_and_the_exceptions(cast, signed_in):
    hub = hub_for(cast.org_a, cast.zone)
    # Free 9–17 by the pattern, away 10–16 that day: 9–10 is the longest
    # window left (16–17 is as long but later), so a household home only
    # in the evening cannot be reached by Ben.
    _free(cast.ben, 9, 17)
    AvailabilityException.objects.create(
        volunteer=cast.ben, on_date=DAY, start_time=T(10), end_time=T(16), available=False
    )
    (evening,) = _households(cast, ("en", (45.010, -93.290), {"home_times": "evening"}))
    client = signed_in(cast.ana)
    assert _plan(client, cast.org_a, hub, capacity=5).status_code == 302
    evening.refresh_from_db()
    assert evening.unassigned_reason == "window_unreachable"
    # An "available" exception for the evening gives him that window instead.
    AvailabilityException.objects.create(
        volunteer=cast.ben, on_date=DAY, start_time=T(16), end_time=T(21), available=True
    )
    assert _plan(client, cast.org_a, hub, capacity=5).status_code == 302
    assert _driver_of(evening) == cast.ben


def test_free_windows_add_available_and_cut_away_exceptions():
    class W:
        def __init__(self, weekday, start, end):
            self.weekday, self.start_time, self.end_time = weekday, T(start), T(end)

    class E:
        def __init__(self, available, start=None, end=None):
            self.on_date, self.available = DAY, available
            self.start_time = T(start) if start is not None else None
            self.end_time = T(end) if end is not None else None
            self.whole_day = start is None

    weekly = [W(DAY.weekday(), 9, 12), W(DAY.weekday(), 14, 17), W((DAY.weekday() + 1) % 7, 8, 9)]
    assert free_windows(weekly, [], DAY) == [(9 * 3600, 12 * 3600), (14 * 3600, 17 * 3600)]
    cut = free_windows(weekly, [E(False, 10, 15), E(True, 18, 20)], DAY)
    assert cut == [(9 * 3600, 10 * 3600), (15 * 3600, 17 * 3600), (18 * 3600, 20 * 3600)]
    assert free_windows(weekly, [E(False)], DAY) == []
    assert free_windows([], [E(True)], DAY) == [(0, 24 * 3600)]


def _two_runs(cast, signed_in):
    """Three households, two unnamed cars of two bags: runs of 2 and 1 stops."""
    hub = hub_for(cast.org_a, cast.zone)
    households = _households(
        cast,
        ("en", (45.010, -93.290), {}),
        ("en", (45.011, -93.291), {}),
        ("en", (45.000, -93.300), {"home_times": "morning"}),
    )
    client = signed_in(cast.ana)
    assert _plan(client, cast.org_a, hub, cars=2, capacity=2).status_code == 302
    runs = sorted(DeliveryRun.objects.all(), key=lambda r: r.stop_count)
    assert [r.stop_count for r in runs] == [1, 2]
    return client, households, runs


def test_a_coordinator_moves_a_stop_and_both_runs_are_replanned(cast, signed_in):
    client, _households_, (small, big) = _two_runs(cast, signed_in)
    stop = big.stops.order_by("position").first()
    household = stop.request
    response = client.post(
        f"/aid/orgs/{cast.org_a.code}/plan/stops/{stop.code}/move/", {"run": small.code}
    )
    assert response.status_code == 302
    small.refresh_from_db()
    big.refresh_from_db()
    assert (small.stop_count, big.stop_count) == (2, 1)
    assert Stop.objects.get(request=household).run == small
    assert list(small.stops.values_list("position", flat=True).order_by("position")) == [1, 2]
    assert AuditEntry.objects.filter(action="aid.stop.moved").count() == 1

    # The last stop of a run moved away: the empty run goes.
    last = big.stops.get()
    client.post(f"/aid/orgs/{cast.org_a.code}/plan/stops/{last.code}/move/", {"run": small.code})
    assert not DeliveryRun.objects.filter(pk=big.pk).exists()
    small.refresh_from_db()
    assert small.stop_count == 3


def test_a_coordinator_takes_a_stop_off_the_runs_back_to_the_queue(cast, signed_in):
    client, _households_, (small, big) = _two_runs(cast, signed_in)
    stop = big.stops.order_by("position").first()
    household = stop.request
    response = client.post(f"/aid/orgs/{cast.org_a.code}/plan/stops/{stop.code}/move/", {"run": ""})
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.status == AidRequest.Status.CONFIRMED
    assert household.unassigned_reason == "taken_off"
    assert not Stop.objects.filter(request=household).exists()
    page = client.get(response["Location"]).content.decode()
    assert "A coordinator took it off the runs." in page and household.code in page


def test_a_move_the_run_cannot_serve_is_refused_and_nothing_changes(cast, signed_in):
    client, _households_, (small, big) = _two_runs(cast, signed_in)
    # A driver free only in the afternoon holds one run; the morning-only
    # household cannot be moved into it.
    _free(cast.ben, 13, 17)
    DeliveryRun.objects.filter(pk=big.pk).update(driver=cast.ben)
    morning = AidRequest.objects.get(home_times="morning")
    stop = Stop.objects.get(request=morning)
    if stop.run_id == big.pk:  # the morning household must start elsewhere
        pytest.fail("the morning household was planned into the larger run")
    before = sorted(Stop.objects.values_list("code", "run_id", "position", "arrival"))
    response = client.post(
        f"/aid/orgs/{cast.org_a.code}/plan/stops/{stop.code}/move/", {"run": big.code}
    )
    assert response.status_code == 400
    assert "cannot reach every household within its window" in response.content.decode()
    assert sorted(Stop.objects.values_list("code", "run_id", "position", "arrival")) == before
    assert not AuditEntry.objects.filter(action="aid.stop.moved").exists()
    # A run code that is no draft run of the day: refused, nothing changed.
    DeliveryRun.objects.filter(pk=small.pk).update(status="open")
    stop = big.stops.first()
    response = client.post(
        f"/aid/orgs/{cast.org_a.code}/plan/stops/{stop.code}/move/", {"run": small.code}
    )
    assert response.status_code == 400
    assert sorted(Stop.objects.values_list("code", "run_id", "position", "arrival")) == before


def test_the_plan_page_draws_runs_by_zone_without_any_address_or_coordinate(cast, signed_in):
    client, households, _runs = _two_runs(cast, signed_in)
    page = client.get(f"/aid/orgs/{cast.org_a.code}/plan/?day={DAY}").content.decode()
    assert 'id="plan-map"' in page and "<svg" in page and "plan-marker" in page
    markers = {"Run 1: 1 stop in Cedar Flats", "Run 2: 2 stops in Cedar Flats"}
    swapped = {"Run 1: 2 stops in Cedar Flats", "Run 2: 1 stop in Cedar Flats"}
    assert all(m in page for m in markers) or all(m in page for m in swapped)
    assert CANARY_ADDRESS not in page
    for fragment in ("45.01", "45.011", "-93.29", "-93.291", "-93.300"):
        assert fragment not in page
    # One move form per stop of a draft run, working without JavaScript.
    assert page.count('action="/aid/orgs/') >= 3 + 1  # three stops, the plan form
    for household in households:
        assert household.code in page


def test_the_api_moves_a_stop_and_answers_the_days_runs(cast, client, signed_in):
    _client, _households_, (small, big) = _two_runs(cast, signed_in)
    client.logout()
    _token, key = do_create_api_token(cast.ana, "test", actor=cast.ana)
    headers = {"Authorization": f"Bearer {key}"}
    stop = big.stops.order_by("position").first()
    url = f"/api/v1/aid/organisations/{cast.org_a.code}/plan/stops/{stop.code}/move"
    response = client.post(
        url, {"run": small.code}, content_type="application/json", headers=headers
    )
    assert response.status_code == 200
    assert sorted(r["stops"] for r in response.json()) == [1, 2]
    assert Stop.objects.get(request=stop.request).run_id == small.pk
    refused = client.post(
        url.replace(stop.code, big.stops.first().code),
        {"run": "NOPE"},
        content_type="application/json",
        headers=headers,
    )
    assert refused.status_code == 409 and refused.json()["detail"]
