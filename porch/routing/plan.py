"""plan(): a day's delivery runs, as a multi-depot VRPTW solved by PyVRP 0.14.

Design notes
- Every hub is a depot; every driver is a vehicle type of one vehicle that
  starts and ends at their hub, within their availability, with their car's
  capacity in bags and, if given, a longest run.
- Stops are optional clients with a prize worth more than any detour, so the
  solver serves as many as it can and may leave out what does not fit; those
  are explained as "no room in any run".
- Before solving, each stop is checked against every driver (language,
  capacity, range, window) so that a stop nobody could ever serve is not
  handed to the solver at all and gets the precise reason instead.
- The open-source PyVRP has no driver–stop compatibility. Language (and a
  coordinator's lock of a stop to one run) is modelled with routing profiles:
  drivers who may serve the same stops share a profile, and in that profile
  every edge into or out of a stop they may not serve costs FORBIDDEN. The
  number of profiles is the number of distinct language sets among drivers,
  plus one per driver holding a locked stop; each costs two n×n int64
  matrices (16 MB at n = 1,000).
- A locked stop is the coordinator's explicit choice: it may go only into the
  run it was locked to, even when that driver lacks its language.
- PyVRP only tries moves between a stop and its nearest neighbours, and
  computes them from every profile's matrices: FORBIDDEN edges turned a
  language stop's neighbours into arbitrary ties. `_solve` computes them from
  the unrestricted travel times instead.
- The last tenth of the time limit (at most 5 s) goes to porch.routing.repair:
  stops the search left out are inserted where they fit, or swapped into a
  full run whose displaced stop fits in a run with room (every touched run
  re-timed and checked). On the city day this took 96.8 % to 99.5–100 %.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence

import numpy as np
from pyvrp import (
    Client,
    Depot,
    IteratedLocalSearch,
    Location,
    PenaltyManager,
    ProblemData,
    RandomNumberGenerator,
    Solution,
    SolveParams,
    VehicleType,
)
from pyvrp.search import LocalSearch, PerturbationManager, compute_neighbours
from pyvrp.stop import MaxRuntime

from porch.routing import repair
from porch.routing.distances import UNREACHABLE, DistanceProvider, HaversineProvider
from porch.routing.model import (
    BEYOND_RANGE,
    NO_DRIVER,
    NO_LANGUAGE,
    NO_ROOM,
    OVER_CAPACITY,
    WINDOW_UNREACHABLE,
    Driver,
    Explanation,
    Hub,
    Plan,
    RoutingError,
    Run,
    Stop,
    Visit,
)

DAY_END = 7 * 24 * 3600  # generous horizon: windows may run past midnight
# Far above any prize, far below PyVRP's MAX_VALUE (2**44), so that sums of a
# few hundred forbidden edges cannot overflow.
FORBIDDEN = 10**10
# Bags are counted in hundredths inside PyVRP. Its penalty for excess load is
# per unit and capped (PenaltyParams.max_penalty, 100,000 in 0.14), while our
# prizes run to tens of thousands: per whole bag, an overloaded car would pay
# less than the prize it collects, and the search would sit in infeasible
# solutions. In hundredths, overloading never pays.
LOAD_SCALE = 100
LOCKED_PRIZE_FACTOR = 3
# The share of the time limit (at most REPAIR_MAX_S) kept for porch.routing.repair.
REPAIR_SHARE = 0.1
REPAIR_MAX_S = 5.0


def _validate(
    stops: Sequence[Stop],
    drivers: Sequence[Driver],
    hubs: Sequence[Hub],
    locked: Mapping[str, str],
) -> None:
    for kind, items in (("stop", stops), ("driver", drivers), ("hub", hubs)):
        ids = [item.id for item in items]
        if len(set(ids)) != len(ids):
            raise RoutingError(f"two {kind}s share an id")
    hub_ids = {h.id for h in hubs}
    for hub in hubs:
        _check_point(hub.lat, hub.lon, f"hub {hub.id}")
    for stop in stops:
        _check_point(stop.lat, stop.lon, f"stop {stop.id}")
        if stop.bags < 0 or stop.service_s < 0:
            raise RoutingError(f"stop {stop.id}: bags and service time cannot be negative")
        if not 0 <= stop.window_start <= stop.window_end <= DAY_END:
            raise RoutingError(f"stop {stop.id}: the window must start before it ends")
    for driver in drivers:
        if driver.hub_id not in hub_ids:
            raise RoutingError(f"driver {driver.id} starts at an unknown hub")
        if not 0 <= driver.available_start <= driver.available_end <= DAY_END:
            raise RoutingError(f"driver {driver.id}: availability must start before it ends")
        if driver.capacity < 0 or (driver.max_route_s is not None and driver.max_route_s < 0):
            raise RoutingError(f"driver {driver.id}: capacity and longest run cannot be negative")
    stop_ids = {s.id for s in stops}
    driver_ids = {d.id for d in drivers}
    for stop_id, driver_id in locked.items():
        if stop_id not in stop_ids:
            raise RoutingError(f"a locked stop ({stop_id}) is not among the stops")
        if driver_id not in driver_ids:
            raise RoutingError(f"stop {stop_id} is locked to an unknown driver")


def _check_point(lat: float, lon: float, what: str) -> None:
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        raise RoutingError(f"{what} has impossible coordinates")


def _explain(
    stops: Sequence[Stop],
    drivers: Sequence[Driver],
    hub_index: Mapping[str, int],
    duration: np.ndarray,
    num_hubs: int,
    locked: Mapping[str, str],
) -> tuple[dict[str, Explanation], np.ndarray, np.ndarray]:
    """Explicit checks: which driver could serve which stop, on its own.

    Returns the explanation of every stop no driver can serve, and two boolean
    (stops × drivers) matrices: language/lock compatibility, and whether the
    driver could serve the stop alone in a run (compatible, fits the car,
    within range and window).
    """
    n_s, n_d = len(stops), len(drivers)
    unassigned: dict[str, Explanation] = {}
    compatible = np.zeros((n_s, n_d), dtype=bool)
    if n_s == 0:
        return unassigned, compatible, compatible
    if n_d == 0:
        for stop in stops:
            unassigned[stop.id] = Explanation(NO_DRIVER, "no driver is available for this day")
        return unassigned, compatible, compatible

    driver_pos = {d.id: k for k, d in enumerate(drivers)}
    hubs_of = np.array([hub_index[d.hub_id] for d in drivers])
    stop_loc = np.arange(n_s) + num_hubs
    out = duration[np.ix_(hubs_of, stop_loc)].T  # (stops, drivers): hub -> stop
    back = duration[np.ix_(stop_loc, hubs_of)]  # stop -> hub
    service = np.array([s.service_s for s in stops])[:, None]
    bags = np.array([s.bags for s in stops])[:, None]
    w_start = np.array([s.window_start for s in stops])[:, None]
    w_end = np.array([s.window_end for s in stops])[:, None]
    capacity = np.array([d.capacity for d in drivers])[None, :]
    d_start = np.array([d.available_start for d in drivers])[None, :]
    d_end = np.array([d.available_end for d in drivers])[None, :]
    longest = np.array(
        [
            d.available_end - d.available_start if d.max_route_s is None else d.max_route_s
            for d in drivers
        ]
    )[None, :]
    longest = np.minimum(longest, d_end - d_start)

    for i, stop in enumerate(stops):
        if stop.id in locked:
            compatible[i, driver_pos[locked[stop.id]]] = True
        else:
            compatible[i] = [d.speaks(stop.language) for d in drivers]

    unreachable = (out >= UNREACHABLE) | (back >= UNREACHABLE)
    fits = bags <= capacity
    in_range = ~unreachable & (out + service + back <= longest)
    begin = np.maximum(d_start + out, w_start)
    in_window = in_range & (begin <= w_end) & (begin + service + back <= d_end)

    for i, stop in enumerate(stops):
        lang = compatible[i]
        locked_to = locked.get(stop.id)
        if not lang.any():
            unassigned[stop.id] = Explanation(
                NO_LANGUAGE, f"no driver today speaks the household's language ({stop.language})"
            )
            continue
        cap = lang & fits[i]
        if not cap.any():
            most = int(capacity[0, lang].max())
            whose = "the locked run's car holds" if locked_to else "the largest car holds"
            unassigned[stop.id] = Explanation(
                OVER_CAPACITY, f"{stop.bags} bags, but {whose} {most}"
            )
            continue
        rng = cap & in_range[i]
        if not rng.any():
            unassigned[stop.id] = Explanation(
                BEYOND_RANGE,
                "the round trip from the hub is longer than any driver's longest run"
                if not unreachable[i, cap].all()
                else "no road leads there from any driver's hub",
            )
            continue
        if not (rng & in_window[i]).any():
            unassigned[stop.id] = Explanation(
                WINDOW_UNREACHABLE,
                "no driver can reach it within its window and be back by the end of their shift",
            )
    return unassigned, compatible, compatible & fits & in_window


def _timed(problem, k: int, members: list[int], clients) -> tuple[list[Visit], int, int]:
    done = repair.simulate(problem, k, members)
    if done is None:  # cannot happen: repair only keeps feasible runs
        raise RoutingError("a repaired run is not feasible")
    timed, departure, back = done
    visits = [Visit(stop_id=clients[j].name, arrival=a, start=b) for j, a, b in timed]
    return visits, departure, back


def _distance(dist: np.ndarray, hub: int, n_hubs: int, members: list[int]) -> int:
    path = [hub] + [n_hubs + j for j in members] + [hub]
    return int(sum(dist[a, b] for a, b in zip(path, path[1:], strict=False)))


def _solve(data: ProblemData, plain: ProblemData, time_limit_s: float, seed: int):
    """pyvrp.solve, except for where the granular neighbourhood comes from.

    PyVRP's local search only tries moves between a stop and its nearest
    neighbours, computed from the matrices of every profile together. In a
    profile where a language bars a stop, every edge of that stop costs
    FORBIDDEN, so the stop's "nearest" neighbours become arbitrary ties, and
    the search hardly ever moves it where it belongs. The neighbours here come
    from the unrestricted travel times (`plain`: same stops, one profile);
    the moves are still evaluated on the real, per-profile matrices.
    """
    params = SolveParams()
    rng = RandomNumberGenerator(seed=seed)
    neighbours = compute_neighbours(plain, params.neighbourhood)
    ls = LocalSearch(data, rng, neighbours, PerturbationManager(params.perturbation))
    for op in params.operators:
        if op.supports(data):
            ls.add_operator(op(data))
    pm = PenaltyManager(params.penalty.midpoint_penalties(data), params.penalty)
    init = ls(Solution.make_random(data, rng), pm.max_cost_evaluator(), exhaustive=True)
    algo = IteratedLocalSearch(data, pm, ls, init, params.ils)
    return algo.run(MaxRuntime(time_limit_s), collect_stats=False, display=False)


def plan(
    stops: Sequence[Stop],
    drivers: Sequence[Driver],
    hubs: Sequence[Hub],
    *,
    provider: DistanceProvider | None = None,
    time_limit_s: float = 10.0,
    seed: int = 1,
    locked: Mapping[str, str] | None = None,
) -> Plan:
    """Plan runs for `drivers` from `hubs` to `stops`.

    `locked` maps a stop id to the driver whose run it must stay in (the
    coordinator moved it there); every other stop is planned afresh.
    """
    started = time.perf_counter()
    locked = dict(locked or {})
    _validate(stops, drivers, hubs, locked)
    if time_limit_s <= 0:
        raise RoutingError("the time limit must be positive")
    provider = provider or HaversineProvider()
    points = [(h.lat, h.lon) for h in hubs] + [(s.lat, s.lon) for s in stops]
    matrices = provider.matrices(points)
    distance, duration = matrices.distance_m, matrices.duration_s
    n_hubs = len(hubs)
    hub_index = {h.id: k for k, h in enumerate(hubs)}

    unassigned, compatible, able = _explain(stops, drivers, hub_index, duration, n_hubs, locked)
    candidates = [i for i, s in enumerate(stops) if s.id not in unassigned]
    if not candidates:
        return Plan(runs=[], unassigned=unassigned, overhead_s=time.perf_counter() - started)

    # Only the hubs and the stops that go to the solver become PyVRP locations.
    loc_of = list(range(n_hubs)) + [n_hubs + i for i in candidates]
    sub = np.ix_(loc_of, loc_of)
    base_dist = np.ascontiguousarray(distance[sub], dtype=np.int64)
    base_dur = np.ascontiguousarray(duration[sub], dtype=np.int64)
    compat = compatible[candidates]  # (clients, drivers)

    # Drivers whose compatibility columns are equal share a profile.
    profiles: dict[bytes, int] = {}
    profile_of: list[int] = []
    masks: list[np.ndarray] = []
    for k in range(len(drivers)):
        key = compat[:, k].tobytes()
        if key not in profiles:
            profiles[key] = len(masks)
            masks.append(compat[:, k])
        profile_of.append(profiles[key])
    dist_mats, dur_mats = [], []
    for allowed in masks:
        if allowed.all():
            dist_mats.append(base_dist)
            dur_mats.append(base_dur)
            continue
        barred = n_hubs + np.flatnonzero(~allowed)
        dm, tm = base_dist.copy(), base_dur.copy()
        for m in (dm, tm):
            m[barred, :] = FORBIDDEN
            m[:, barred] = FORBIDDEN
            m[barred, barred] = 0
        dist_mats.append(dm)
        dur_mats.append(tm)

    # A prize larger than any detour a stop can cause (out, service, back),
    # so serving one more stop always beats leaving it out.
    finite = base_dur[base_dur < UNREACHABLE]
    longest_edge = int(finite.max()) if finite.size else 0
    longest_service = max(stops[i].service_s for i in candidates)
    prize = 2 * (2 * longest_edge + longest_service) + 3600
    # Scarcer stops are worth more: a stop few drivers can serve (a language
    # few speak, an early window far from most hubs) should not lose its
    # place to one that anybody could take, which the solver would otherwise
    # trade one for one.
    share = able[candidates].sum(axis=1) / max(1, len(drivers))
    weight = 1.0 + (1.0 - share)

    locations = [Location(x=float(h.lon), y=float(h.lat)) for h in hubs] + [
        Location(x=float(stops[i].lon), y=float(stops[i].lat)) for i in candidates
    ]
    depots = [Depot(location=k, tw_early=0, tw_late=DAY_END) for k in range(n_hubs)]
    clients = [
        Client(
            location=n_hubs + j,
            delivery=[stops[i].bags * LOAD_SCALE],
            service_duration=stops[i].service_s,
            tw_early=stops[i].window_start,
            tw_late=stops[i].window_end,
            prize=int(prize * weight[j]) * (LOCKED_PRIZE_FACTOR if stops[i].id in locked else 1),
            required=False,
            name=stops[i].id,
        )
        for j, i in enumerate(candidates)
    ]
    vehicle_types = [
        VehicleType(
            num_available=1,
            capacity=[d.capacity * LOAD_SCALE],
            start_depot=hub_index[d.hub_id],
            end_depot=hub_index[d.hub_id],
            tw_early=d.available_start,
            tw_late=d.available_end,
            shift_duration=d.max_route_s if d.max_route_s is not None else DAY_END,
            unit_distance_cost=0,
            unit_duration_cost=1,
            profile=profile_of[k],
            name=d.id,
        )
        for k, d in enumerate(drivers)
    ]
    # PyVRP 0.14's stubs spell the matrix type ndarray[int], which numpy's
    # own types never match.
    data = ProblemData(
        locations,
        clients,
        depots,
        vehicle_types,
        dist_mats,  # type: ignore[arg-type]
        dur_mats,  # type: ignore[arg-type]
    )

    solve_started = time.perf_counter()
    # Neighbours from the unrestricted travel times (see _solve).
    plain = data.replace(
        vehicle_types=[vt.replace(profile=0) for vt in vehicle_types],
        distance_matrices=[base_dist],  # type: ignore[list-item]
        duration_matrices=[base_dur],  # type: ignore[list-item]
    )
    repair_s = min(REPAIR_MAX_S, REPAIR_SHARE * time_limit_s)
    result = _solve(data, plain, time_limit_s - repair_s, seed)

    # The solver's routes, per driver (client indices). A route PyVRP could
    # not make feasible, or one through a forbidden edge, is never
    # published: its stops go back to the left-out ones.
    routes: list[list[int]] = [[] for _ in drivers]
    solved: dict[int, object] = {}
    for route in result.best.routes():
        k = route.vehicle_type()
        members = [a.idx for a in route if a.is_client()]
        if route.is_feasible() and compat[members, k].all():
            routes[k] = members
            solved[k] = route
    served = {j for seq in routes for j in seq}
    left_out = [j for j in range(len(candidates)) if j not in served]
    changed: set[int] = set()
    if left_out:
        dur_list = base_dur.tolist()
        problem = repair.Problem(
            duration=dur_list,
            n_hubs=n_hubs,
            service=[stops[i].service_s for i in candidates],
            window_start=[stops[i].window_start for i in candidates],
            window_end=[stops[i].window_end for i in candidates],
            bags=[stops[i].bags for i in candidates],
            hub_of=[hub_index[d.hub_id] for d in drivers],
            available_start=[d.available_start for d in drivers],
            available_end=[d.available_end for d in drivers],
            longest=[
                min(
                    d.available_end - d.available_start,
                    d.max_route_s if d.max_route_s is not None else DAY_END,
                )
                for d in drivers
            ],
            capacity=[d.capacity for d in drivers],
            able=able[candidates],
        )
        _placed, changed = repair.repair(problem, routes, left_out, repair_s)
    solve_s = time.perf_counter() - solve_started

    runs: list[Run] = []
    served_ids: set[str] = set()
    for k, members in enumerate(routes):
        if not members:
            continue
        driver = drivers[k]
        if k in changed or k not in solved:
            visits, departure, back = _timed(problem, k, members, clients)
            distance = _distance(base_dist, hub_index[driver.hub_id], n_hubs, members)
        else:
            route = solved[k]
            visits = [
                Visit(
                    stop_id=clients[a.idx].name,
                    arrival=a.start_time - a.wait_duration,
                    start=a.start_time,
                )
                for a in route.schedule()
                if a.is_client()
            ]
            departure, back, distance = route.start_time(), route.end_time(), route.distance()
        runs.append(
            Run(
                driver_id=driver.id,
                hub_id=driver.hub_id,
                visits=visits,
                departure=departure,
                return_time=back,
                bags=sum(stops[candidates[j]].bags for j in members),
                distance_m=int(distance),
            )
        )
        served_ids.update(v.stop_id for v in visits)
    for i in candidates:
        stop = stops[i]
        if stop.id not in served_ids:
            detail = (
                "the run it was locked to has no room for it"
                if stop.id in locked
                else "every run that could take it is full or its window conflicts with theirs"
            )
            unassigned[stop.id] = Explanation(NO_ROOM, detail)
    runs.sort(key=lambda r: r.driver_id)
    return Plan(
        runs=runs,
        unassigned=unassigned,
        feasible=result.best.is_feasible(),
        solve_s=solve_s,
        overhead_s=time.perf_counter() - started - solve_s,
    )
