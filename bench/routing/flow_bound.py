"""An upper bound for the city day: stops placeable if travel order did not matter.

    .venv/bin/python -m bench.routing.flow_bound [--seed 2026] [--no-languages]

Max flow from stops to drivers (capacity in bags), with an arc wherever the
driver could serve that stop alone — speaks its language, and can leave the
hub, serve it within its window and be back within availability and the
longest run. No routing: a bound, not a plan. OR-Tools' max flow (dev-only).
"""

from __future__ import annotations

import argparse

from ortools.graph.python import max_flow

from bench.routing.city_day import generate
from porch.routing.distances import HaversineProvider


def bound(seed: int, languages: bool) -> tuple[int, int]:
    stops, drivers, hubs = generate(seed, languages=languages)
    points = [(h.lat, h.lon) for h in hubs] + [(s.lat, s.lon) for s in stops]
    dur = HaversineProvider(circuity=1.3, speed_kmh=25).matrices(points).duration_s
    hub_of = {h.id: k for k, h in enumerate(hubs)}
    flow = max_flow.SimpleMaxFlow()
    source, sink, first_stop = 0, 1, 2
    first_driver = first_stop + len(stops)
    for i in range(len(stops)):
        flow.add_arc_with_capacity(source, first_stop + i, 1)
    for k, d in enumerate(drivers):
        flow.add_arc_with_capacity(first_driver + k, sink, d.capacity)
    for i, s in enumerate(stops):
        for k, d in enumerate(drivers):
            if not d.speaks(s.language):
                continue
            h, at = hub_of[d.hub_id], len(hubs) + i
            begin = max(d.available_start + dur[h, at], s.window_start)
            back = begin + s.service_s + dur[at, h]
            longest = d.max_route_s or (d.available_end - d.available_start)
            trip = dur[h, at] + s.service_s + dur[at, h]
            if begin <= s.window_end and back <= d.available_end and trip <= longest:
                flow.add_arc_with_capacity(first_stop + i, first_driver + k, 1)
    flow.solve(source, sink)
    return flow.optimal_flow(), len(stops)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--no-languages", action="store_true")
    args = parser.parse_args()
    placed, total = bound(args.seed, not args.no_languages)
    print(f"at most {placed} of {total} stops can be placed ({100 * placed / total:.1f} %)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
