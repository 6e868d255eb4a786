"""After the solver: place stops it left out, by insertion and one ejection.

PyVRP's search, with every car nearly full, stalls with a few stops out that
would fit if one stop of a full run moved to a run with room (the city day
leaves 2–3 % out that way, more when languages restrict who may take what).
This pass tries, for each stop left out, scarcest first:
1. inserting it into a run with room, where it fits in time;
2. putting it into a full run in place of one of that run's stops, which
   in turn is inserted into another run with room.
Every run it touches is re-timed here (earliest schedule, departure delayed
so as not to wait at the first door) and checked against the stop windows,
the driver's availability, the longest run and the car; a move is made only
if everything still holds, so the result is feasible whenever its input was.
Pure Python over plain lists: a few seconds at most for 1,000 stops.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np


@dataclass
class Problem:
    duration: list[list[int]]  # hubs first, then the stops (candidates)
    n_hubs: int
    service: list[int]
    window_start: list[int]
    window_end: list[int]
    bags: list[int]
    hub_of: list[int]  # per driver: the hub's location
    available_start: list[int]
    available_end: list[int]
    longest: list[int]
    capacity: list[int]
    able: np.ndarray  # (stops, drivers): may serve it alone (language, lock, car, time)


Schedule = tuple[list[tuple[int, int, int]], int, int]  # [(stop, arrival, start)], out, back


def simulate(p: Problem, k: int, seq: list[int]) -> Schedule | None:
    """The earliest schedule of driver k over `seq`, or None if infeasible."""
    hub = p.hub_of[k]
    if not seq:
        return [], p.available_start[k], p.available_start[k]
    dur = p.duration
    first = p.n_hubs + seq[0]
    depart = max(p.available_start[k], p.window_start[seq[0]] - dur[hub][first])
    t, pos = depart, hub
    visits = []
    for j in seq:
        loc = p.n_hubs + j
        arrive = t + dur[pos][loc]
        begin = arrive if arrive > p.window_start[j] else p.window_start[j]
        if begin > p.window_end[j]:
            return None
        visits.append((j, arrive, begin))
        t, pos = begin + p.service[j], loc
    back = t + dur[pos][hub]
    if back > p.available_end[k] or back - depart > p.longest[k]:
        return None
    return visits, depart, back


def best_insertion(p: Problem, k: int, seq: list[int], j: int) -> list[int] | None:
    best, best_len = None, None
    for at in range(len(seq) + 1):
        trial = seq[:at] + [j] + seq[at:]
        done = simulate(p, k, trial)
        if done is not None:
            length = done[2] - done[1]
            if best_len is None or length < best_len:
                best, best_len = trial, length
    return best


def repair(p: Problem, routes: list[list[int]], left_out: list[int], budget_s: float):
    """Place what it can of `left_out` into `routes` (one list per driver,
    changed in place). Returns (the stops placed, the drivers whose runs
    changed)."""
    deadline = time.perf_counter() + budget_s
    n_drivers = len(routes)
    load = [sum(p.bags[j] for j in seq) for seq in routes]
    version = [0] * n_drivers
    cache: dict[tuple[int, int], tuple[int, list[int] | None]] = {}
    drivers_for = {}

    def insertion(k: int, j: int) -> list[int] | None:
        key = (j, k)
        hit = cache.get(key)
        if hit is not None and hit[0] == version[k]:
            return hit[1]
        found = best_insertion(p, k, routes[k], j)
        cache[key] = (version[k], found)
        return found

    def set_route(k: int, seq: list[int]) -> None:
        routes[k] = seq
        load[k] = sum(p.bags[j] for j in seq)
        version[k] += 1
        changed.add(k)

    def able(j: int) -> list[int]:
        if j not in drivers_for:
            drivers_for[j] = [int(k) for k in np.flatnonzero(p.able[j])]
        return drivers_for[j]

    placed: list[int] = []
    changed: set[int] = set()
    todo = sorted(left_out, key=lambda j: len(able(j)))
    progress = True
    while progress and time.perf_counter() < deadline:
        progress = False
        for u in list(todo):
            if time.perf_counter() > deadline:
                break
            if _place(p, u, routes, load, able, insertion, set_route):
                todo.remove(u)
                placed.append(u)
                progress = True
    return placed, changed


def _place(p, u, routes, load, able, insertion, set_route) -> bool:
    room = [k for k in able(u) if load[k] + p.bags[u] <= p.capacity[k]]
    for k in room:
        trial = insertion(k, u)
        if trial is not None:
            set_route(k, trial)
            return True
    for k in able(u):
        seq = routes[k]
        for v in seq:
            if load[k] - p.bags[v] + p.bags[u] > p.capacity[k]:
                continue
            others = [k2 for k2 in able(v) if k2 != k and load[k2] + p.bags[v] <= p.capacity[k2]]
            if not others:
                continue
            swapped = best_insertion(p, k, [x for x in seq if x != v], u)
            if swapped is None:
                continue
            for k2 in others:
                moved = insertion(k2, v)
                if moved is not None:
                    set_route(k, swapped)
                    set_route(k2, moved)
                    return True
    return False
