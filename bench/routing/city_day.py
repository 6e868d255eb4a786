"""A city's delivery day, generated from a seed, planned by porch.routing.plan.

    .venv/bin/python -m bench.routing.city_day [--seed 2026] [--time-limit 50]
        [--write day.json]

The day (all of it fictional, drawn from the seed):
- 10 hubs on a jittered grid over a 16 km × 16 km city; 10 drivers per hub.
- 1,000 stops around 25 neighbourhood centres. Demand: one bag per stop
  (1,000 bags). Service: 5 minutes at the door.
- Windows: two hours, opening on the hour from 09:00 to 15:00 (closing by
  17:00), uniformly.
- 100 drivers, each with a car of 8–12 bags (uniform; the total is printed),
  available from 09:00–13:00 (on the hour) for 4, 6 or 8 hours, never past
  17:00, and one run of at most four hours.
- Languages: stops are 40 % any, 35 % Spanish, 15 % Somali, 10 % Hmong;
  every driver speaks English; exactly 50 of them Spanish, 22 Somali and
  16 Hmong, chosen at random.
- Travel: haversine × 1.3 at 25 km/h (Porch's default provider).

Prints assigned %, the reasons for the rest, and the time spent: Porch's own
overhead (matrix, checks, model, reading the result) apart from the solver's.
Runs on one core.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import resource
import time
from collections import Counter
from dataclasses import asdict

from porch.routing.distances import HaversineProvider
from porch.routing.model import Driver, Hub, Stop
from porch.routing.plan import plan

H = 3600
DAY = 24 * H
CENTRE = (44.95, -93.15)
SIDE_KM = 16.0
STOP_LANGUAGES = [("", 0.40), ("es", 0.35), ("so", 0.15), ("hmn", 0.10)]
DRIVER_LANGUAGES = [("es", 0.50), ("so", 0.22), ("hmn", 0.16)]


def _offset(km_north: float, km_east: float) -> tuple[float, float]:
    lat = CENTRE[0] + km_north / 111.195
    lon = CENTRE[1] + km_east / (111.195 * math.cos(math.radians(CENTRE[0])))
    return round(lat, 6), round(lon, 6)


def _pick(rng: random.Random, weighted: list[tuple[str, float]]) -> str:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


def generate(
    seed: int = 2026,
    n_stops: int = 1000,
    n_drivers: int = 100,
    n_hubs: int = 10,
    *,
    languages: bool = True,
) -> tuple[list[Stop], list[Driver], list[Hub]]:
    """The day; with languages=False every stop is "any language" (same draws)."""
    rng = random.Random(seed)
    half = SIDE_KM / 2
    hubs = []
    cols = math.ceil(math.sqrt(n_hubs))
    rows = math.ceil(n_hubs / cols)
    for k in range(n_hubs):
        r, c = divmod(k, cols)
        north = -half + (r + 0.5) * SIDE_KM / rows + rng.uniform(-1, 1)
        east = -half + (c + 0.5) * SIDE_KM / cols + rng.uniform(-1, 1)
        hubs.append(Hub(f"hub-{k:02d}", *_offset(north, east)))

    centres = [(rng.uniform(-half, half), rng.uniform(-half, half)) for _ in range(25)]
    stops = []
    for k in range(n_stops):
        cn, ce = rng.choice(centres)
        north = min(half, max(-half, rng.gauss(cn, 1.2)))
        east = min(half, max(-half, rng.gauss(ce, 1.2)))
        opens = rng.randrange(9, 16) * H
        language = _pick(rng, STOP_LANGUAGES)  # drawn either way: same day otherwise
        stops.append(
            Stop(
                id=f"stop-{k:04d}",
                lat=_offset(north, east)[0],
                lon=_offset(north, east)[1],
                bags=1,
                service_s=300,
                window_start=opens,
                window_end=opens + 2 * H,
                language=language if languages else "",
            )
        )

    # Exact shares of speakers (drawn at random, they could fall below the
    # stops' need): who speaks what is shuffled, how many is fixed.
    speakers = {
        lang: set(rng.sample(range(n_drivers), round(share * n_drivers)))
        for lang, share in DRIVER_LANGUAGES
    }
    drivers = []
    for k in range(n_drivers):
        starts = rng.choice([9, 10, 11, 12, 13]) * H
        ends = min(17 * H, starts + rng.choice([4, 6, 8]) * H)
        languages = {"en"} | {lang for lang, who in speakers.items() if k in who}
        drivers.append(
            Driver(
                id=f"driver-{k:03d}",
                hub_id=hubs[k % n_hubs].id,
                available_start=starts,
                available_end=ends,
                capacity=rng.randint(8, 12),
                languages=frozenset(languages),
                max_route_s=4 * H,
            )
        )
    return stops, drivers, hubs


def check(stops, drivers, hubs, result, provider) -> list[str]:
    """Every run checked independently of the solver: each stop at most
    once, language, car, windows (arrival recomputed from the matrix),
    availability and longest run."""
    points = [(h.lat, h.lon) for h in hubs] + [(s.lat, s.lon) for s in stops]
    dur = provider.matrices(points).duration_s
    at = {s.id: len(hubs) + i for i, s in enumerate(stops)}
    stop_of = {s.id: s for s in stops}
    driver_of = {d.id: d for d in drivers}
    hub_at = {h.id: k for k, h in enumerate(hubs)}
    problems, seen = [], set()
    for run in result.runs:
        d = driver_of[run.driver_id]
        t, pos = run.departure, hub_at[d.hub_id]
        if t < d.available_start:
            problems.append(f"{d.id} leaves before they are free")
        if sum(stop_of[v.stop_id].bags for v in run.visits) > d.capacity:
            problems.append(f"{d.id} carries more than the car holds")
        for v in run.visits:
            s = stop_of[v.stop_id]
            if s.id in seen:
                problems.append(f"{s.id} is on two runs")
            seen.add(s.id)
            if not d.speaks(s.language):
                problems.append(f"{d.id} does not speak {s.language} ({s.id})")
            t = max(t + int(dur[pos, at[s.id]]), s.window_start)
            if t > s.window_end or v.start < t:
                problems.append(f"{s.id} is served outside its window")
            t, pos = max(t, v.start) + s.service_s, at[s.id]
        back = t + int(dur[pos, hub_at[d.hub_id]])
        longest = d.max_route_s if d.max_route_s is not None else DAY
        if back > d.available_end or back - run.departure > longest:
            problems.append(f"{d.id} is back too late or out too long")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--time-limit", type=float, default=50.0)
    parser.add_argument("--solver-seed", type=int, default=1)
    parser.add_argument("--cpu", type=int, default=0, help="the one core to run on")
    parser.add_argument(
        "--no-languages", action="store_true", help="every stop may go to any driver"
    )
    parser.add_argument("--write", metavar="FILE", help="also write the generated day as JSON")
    args = parser.parse_args()
    os.sched_setaffinity(0, {args.cpu})

    stops, drivers, hubs = generate(args.seed, languages=not args.no_languages)
    if args.write:
        with open(args.write, "w") as fh:
            day = {
                "hubs": [asdict(h) for h in hubs],
                "stops": [asdict(s) for s in stops],
                "drivers": [asdict(d) | {"languages": sorted(d.languages)} for d in drivers],
            }
            json.dump(day, fh, indent=1)
    bags = sum(s.bags for s in stops)
    capacity = sum(d.capacity for d in drivers)
    size = f"{len(stops)} stops, {len(drivers)} drivers, {len(hubs)} hubs"
    mode = "no language constraint" if args.no_languages else "with languages"
    print(f"city day, seed {args.seed}: {size}, {mode}")
    print(f"demand {bags} bags; capacity {capacity} bags (cars of 8–12)")
    for lang in ("es", "so", "hmn"):
        need = sum(1 for s in stops if s.language == lang)
        cap = sum(d.capacity for d in drivers if lang in d.languages)
        print(f"  {lang:<3} stops {need:>4}, capacity of drivers who speak it {cap:>4}")

    provider = HaversineProvider(circuity=1.3, speed_kmh=25)
    started = time.perf_counter()
    cpu_started = time.process_time()
    result = plan(
        stops,
        drivers,
        hubs,
        provider=provider,
        time_limit_s=args.time_limit,
        seed=args.solver_seed,
    )
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    problems = check(stops, drivers, hubs, result, provider)

    assigned = sum(len(r.visits) for r in result.runs)
    per_run = [len(r.visits) for r in result.runs]
    print(f"time limit {args.time_limit:g} s, solver seed {args.solver_seed}, one core")
    print(f"assigned   {assigned}/{len(stops)} = {100 * assigned / len(stops):.1f} %")
    verdict = "yes (checked independently)" if not problems else "NO: " + "; ".join(problems[:5])
    print(f"feasible   {verdict}")
    print(
        f"runs       {len(result.runs)} (stops per run {min(per_run)}–{max(per_run)}, "
        f"mean {assigned / len(per_run):.1f})"
    )
    reasons = Counter(e.reason for e in result.unassigned.values())
    print("unassigned " + (", ".join(f"{k} {v}" for k, v in sorted(reasons.items())) or "none"))
    split = f"solver {result.solve_s:.1f} s + Porch {result.overhead_s:.2f} s"
    print(f"wall       {wall:.1f} s = {split}; CPU {cpu:.1f} s")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS   {peak_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
