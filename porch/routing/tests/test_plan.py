"""plan(): feasible runs, every reason for leaving a stop out, language, locks."""

import numpy as np
import pytest

from porch.routing import model
from porch.routing.distances import HaversineProvider
from porch.routing.model import Driver, Hub, RoutingError, Stop
from porch.routing.plan import plan

H = 3600
EAST = Hub("east", 44.9537, -93.0900)
WEST = Hub("west", 44.9778, -93.2650)
PROVIDER = HaversineProvider(circuity=1.3, speed_kmh=30)


def near(hub: Hub, k: int, **kw) -> Stop:
    """The k-th stop in a small ring (~1-2 km) around a hub."""
    angle = 2 * np.pi * k / 7
    lat = hub.lat + 0.012 * np.sin(angle) * (1 + k % 2)
    lon = hub.lon + 0.017 * np.cos(angle) * (1 + k % 2)
    kw.setdefault("window_start", 9 * H)
    kw.setdefault("window_end", 11 * H)
    return Stop(f"{hub.id}-{k}", float(lat), float(lon), **kw)


def driver(id: str, hub: Hub, *, capacity=10, languages=("en",), **kw) -> Driver:
    kw.setdefault("available_start", 9 * H)
    kw.setdefault("available_end", 13 * H)
    return Driver(id, hub.id, capacity=capacity, languages=frozenset(languages), **kw)


def check_run_is_feasible(run, stops, drivers, hubs):
    """Recompute the schedule from the matrix: windows, shift, capacity."""
    by_id = {s.id: s for s in stops}
    d = next(x for x in drivers if x.id == run.driver_id)
    points = [(h.lat, h.lon) for h in hubs] + [(s.lat, s.lon) for s in stops]
    index = {h.id: k for k, h in enumerate(hubs)} | {
        s.id: len(hubs) + k for k, s in enumerate(stops)
    }
    dur = PROVIDER.matrices(points).duration_s
    assert run.hub_id == d.hub_id
    clock, here = run.departure, index[d.hub_id]
    assert clock >= d.available_start
    for visit in run.visits:
        stop = by_id[visit.stop_id]
        arrival = clock + dur[here, index[stop.id]]
        assert visit.arrival == arrival
        assert visit.start == max(arrival, stop.window_start) <= stop.window_end
        clock, here = visit.start + stop.service_s, index[stop.id]
    assert run.return_time == clock + dur[here, index[d.hub_id]] <= d.available_end
    assert run.bags == sum(by_id[v.stop_id].bags for v in run.visits) <= d.capacity


def test_it_plans_feasible_runs_from_two_hubs():
    hubs = [EAST, WEST]
    stops = [near(EAST, k) for k in range(7)] + [near(WEST, k, bags=2) for k in range(5)]
    drivers = [driver("ana", EAST), driver("ben", WEST)]
    result = plan(stops, drivers, hubs, provider=PROVIDER, time_limit_s=0.3, seed=3)
    assert result.feasible and not result.unassigned
    assert sorted(s for r in result.runs for s in r.stop_ids) == sorted(s.id for s in stops)
    for run in result.runs:
        check_run_is_feasible(run, stops, drivers, hubs)
    # Each driver works around their own hub.
    assert all(s.startswith("east") for s in result.run_for("ana").stop_ids)
    assert all(s.startswith("west") for s in result.run_for("ben").stop_ids)


def test_it_explains_every_stop_it_cannot_plan():
    hubs = [EAST, WEST]
    drivers = [
        driver("ana", EAST, capacity=3, languages={"en", "es"}, max_route_s=3 * H),
        driver("ben", WEST, capacity=6, languages={"en", "so"}, max_route_s=3 * H),
    ]
    stops = [near(EAST, k, language="es") for k in range(3)] + [
        near(WEST, 1, language="hmn"),  # nobody speaks Hmong today
        near(WEST, 2, bags=7),  # the biggest car takes 6
        Stop("duluth", 46.7867, -92.1005),  # 240 km away: beyond a 3-hour run
        near(EAST, 4, window_start=7 * H, window_end=8 * H),  # before anyone starts
        near(WEST, 5, window_start=12 * H + 50 * 60, window_end=13 * H),  # too late to return
        near(EAST, 6, language="es"),  # ana's car is full; ben has no Spanish
    ]
    result = plan(stops, drivers, hubs, provider=PROVIDER, time_limit_s=0.3)
    reasons = {k: v.reason for k, v in result.unassigned.items()}
    # Four Spanish stops, three places in ana's car: the solver picks which.
    spanish = {s.id for s in stops if s.language == "es"}
    (left_out,) = spanish & set(reasons)
    assert reasons.pop(left_out) == model.NO_ROOM
    assert sorted(result.run_for("ana").stop_ids) == sorted(spanish - {left_out})
    assert reasons == {
        "west-1": model.NO_LANGUAGE,
        "west-2": model.OVER_CAPACITY,
        "duluth": model.BEYOND_RANGE,
        "east-4": model.WINDOW_UNREACHABLE,
        "west-5": model.WINDOW_UNREACHABLE,
    }
    assert "hmn" in result.unassigned["west-1"].detail
    assert "6" in result.unassigned["west-2"].detail
    assert set(model.REASONS) >= set(reasons.values())


def test_it_explains_a_day_without_drivers():
    result = plan([near(EAST, 0)], [], [EAST], provider=PROVIDER, time_limit_s=0.3)
    assert result.runs == []
    assert result.unassigned["east-0"].reason == model.NO_DRIVER


def test_it_gives_a_stop_to_a_driver_who_speaks_its_language():
    # The stop sits next to the east hub; only the language decides who goes.
    hubs = [EAST, WEST]
    drivers = [
        driver("ana", EAST, languages={"en", "es"}),
        driver("ben", WEST, languages={"en", "so"}),
    ]
    spanish = near(EAST, 2, language="es")
    somali = near(EAST, 2, language="so")
    assert (
        plan([spanish], drivers, hubs, provider=PROVIDER, time_limit_s=0.2).driver_of(spanish.id)
        == "ana"
    )
    assert (
        plan([somali], drivers, hubs, provider=PROVIDER, time_limit_s=0.2).driver_of(somali.id)
        == "ben"
    )
    anyone = near(EAST, 2, language="")
    assert (
        plan([anyone], drivers, hubs, provider=PROVIDER, time_limit_s=0.2).driver_of(anyone.id)
        == "ana"
    )


def test_it_keeps_locked_stops_in_their_run_and_replans_the_rest():
    hubs = [EAST, WEST]
    stops = [near(EAST, k) for k in range(6)] + [near(WEST, k) for k in range(4)]
    drivers = [driver("ana", EAST), driver("ben", WEST)]
    first = plan(stops, drivers, hubs, provider=PROVIDER, time_limit_s=0.3)
    assert first.driver_of("east-3") == "ana" and first.driver_of("east-5") == "ana"
    # The coordinator moves two east stops into ben's run.
    moved = plan(
        stops,
        drivers,
        hubs,
        provider=PROVIDER,
        time_limit_s=0.3,
        locked={"east-3": "ben", "east-5": "ben"},
    )
    assert not moved.unassigned
    assert {"east-3", "east-5"} <= set(moved.run_for("ben").stop_ids)
    assert first.run_for("ben") != moved.run_for("ben")
    for run in moved.runs:
        check_run_is_feasible(run, stops, drivers, hubs)


def test_it_honours_a_lock_over_language_but_not_over_capacity():
    hubs = [EAST]
    drivers = [driver("ana", EAST, languages={"es"}), driver("cal", EAST, capacity=2)]
    stops = [near(EAST, 1, language="es"), near(EAST, 2, bags=3)]
    result = plan(
        stops,
        drivers,
        hubs,
        provider=PROVIDER,
        time_limit_s=0.3,
        locked={"east-1": "cal", "east-2": "cal"},
    )
    assert result.driver_of("east-1") == "cal"
    assert result.unassigned["east-2"].reason == model.OVER_CAPACITY
    assert "locked" in result.unassigned["east-2"].detail


def test_it_says_when_the_locked_run_has_no_room():
    hubs = [EAST]
    drivers = [driver("ana", EAST, capacity=1), driver("cal", EAST)]
    stops = [near(EAST, 1), near(EAST, 2)]
    result = plan(
        stops,
        drivers,
        hubs,
        provider=PROVIDER,
        time_limit_s=0.3,
        locked={"east-1": "ana", "east-2": "ana"},
    )
    assert len(result.run_for("ana").stop_ids) == 1
    (left,) = result.unassigned.values()
    assert left.reason == model.NO_ROOM and "locked" in left.detail


@pytest.mark.parametrize(
    "stops, drivers, hubs, locked, message",
    [
        ([], [driver("ana", Hub("nowhere", 0, 0))], [EAST], {}, "unknown hub"),
        ([near(EAST, 1), near(EAST, 1)], [], [EAST], {}, "share an id"),
        ([Stop("x", 95.0, 0.0)], [], [EAST], {}, "impossible coordinates"),
        ([near(EAST, 1, window_start=10 * H, window_end=9 * H)], [], [EAST], {}, "window"),
        ([near(EAST, 1)], [driver("ana", EAST)], [EAST], {"east-1": "zed"}, "unknown driver"),
        ([near(EAST, 1)], [driver("ana", EAST)], [EAST], {"east-9": "ana"}, "not among"),
    ],
)
def test_it_refuses_bad_input_with_a_clear_error(stops, drivers, hubs, locked, message):
    with pytest.raises(RoutingError, match=message):
        plan(stops, drivers, hubs, provider=PROVIDER, time_limit_s=0.1, locked=locked)
