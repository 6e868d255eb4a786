"""Six Solomon VRPTW instances at a fixed time limit: PyVRP (Porch) beside OR-Tools.

    .venv/bin/python -m bench.routing.run_solomon [--time-limit 5] [--seed 1]
        [--dir ../shared/bench/vrptw] [--no-ortools] [--cpu-clock]

Pins itself to one core. Costs follow the DIMACS convention (Euclidean
truncated to one decimal, travel time = distance) and are recomputed from the
routes by porch.routing.vrplib_io, for both solvers alike.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

from porch.routing.bench import solve_instance
from porch.routing.vrplib_io import (
    Instance,
    check_routes,
    format_cost,
    gap_percent,
    read_instance,
    read_solution,
)

INSTANCES = ["C101", "C201", "R101", "R201", "RC101", "RC201"]
DEFAULT_DIR = Path(__file__).resolve().parents[3] / "shared" / "bench" / "vrptw"


def solve_ortools(instance: Instance, time_limit_s: float) -> list[list[int]]:
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    n = instance.num_locations
    dist = instance.distances.tolist()
    service = instance.service.tolist()
    tw = instance.time_windows.tolist()
    manager = pywrapcp.RoutingIndexManager(n, instance.num_vehicles, 0)
    routing = pywrapcp.RoutingModel(manager)

    def distance_cb(i: int, j: int) -> int:
        return dist[manager.IndexToNode(i)][manager.IndexToNode(j)]

    def time_cb(i: int, j: int) -> int:
        a, b = manager.IndexToNode(i), manager.IndexToNode(j)
        return service[a] + dist[a][b]

    routing.SetArcCostEvaluatorOfAllVehicles(routing.RegisterTransitCallback(distance_cb))
    horizon = int(tw[0][1])
    routing.AddDimension(routing.RegisterTransitCallback(time_cb), horizon, horizon, False, "t")
    time_dim = routing.GetDimensionOrDie("t")
    for node in range(1, n):
        time_dim.CumulVar(manager.NodeToIndex(node)).SetRange(int(tw[node][0]), int(tw[node][1]))
    for v in range(instance.num_vehicles):
        time_dim.CumulVar(routing.Start(v)).SetRange(int(tw[0][0]), int(tw[0][1]))
        time_dim.CumulVar(routing.End(v)).SetRange(int(tw[0][0]), int(tw[0][1]))
    demand = instance.demand.tolist()
    routing.AddDimensionWithVehicleCapacity(
        routing.RegisterUnaryTransitCallback(lambda i: demand[manager.IndexToNode(i)]),
        0,
        [instance.capacity] * instance.num_vehicles,
        True,
        "load",
    )
    params = pywrapcp.DefaultRoutingSearchParameters()
    # Parallel cheapest insertion: path-cheapest-arc finds no first solution
    # for the tight windows of R101 and RC101 within 5 s.
    first = routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
    params.first_solution_strategy = first
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    params.time_limit.FromMilliseconds(int(time_limit_s * 1000))
    solution = routing.SolveWithParameters(params)
    if solution is None:
        return []
    routes = []
    for v in range(instance.num_vehicles):
        index = solution.Value(routing.NextVar(routing.Start(v)))
        route = []
        while not routing.IsEnd(index):
            route.append(manager.IndexToNode(index))
            index = solution.Value(routing.NextVar(index))
        if route:
            routes.append(route)
    return routes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--no-ortools", action="store_true")
    parser.add_argument("--cpu", type=int, default=0, help="the one core to run on")
    parser.add_argument(
        "--cpu-clock",
        action="store_true",
        help="stop PyVRP after S seconds of CPU time rather than wall time (shared machines); "
        "OR-Tools keeps its wall-clock limit",
    )
    args = parser.parse_args()
    os.sched_setaffinity(0, {args.cpu})

    clock = "CPU" if args.cpu_clock else "wall"
    print(
        f"time limit {args.time_limit:g} s ({clock} clock for PyVRP, wall for OR-Tools), "
        f"seed {args.seed}, one core (cpu {args.cpu}); DIMACS costs; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    header = f"{'instance':<8} {'best':>8} {'pyvrp':>8} {'gap %':>6} {'routes':>6}"
    if not args.no_ortools:
        header += f" {'ortools':>8} {'gap %':>6} {'routes':>6}"
    print(header)
    gaps: list[float] = []
    or_gaps: list[float] = []
    for name in INSTANCES:
        instance = read_instance(args.dir / f"{name}.txt")
        best = check_routes(instance, read_solution(args.dir / f"{name}.sol").routes)
        ours = solve_instance(
            instance, time_limit_s=args.time_limit, seed=args.seed, cpu_clock=args.cpu_clock
        )
        gap = gap_percent(ours.cost / 10, best.cost / 10)
        gaps.append(gap)
        mark = "" if ours.feasible else " INFEASIBLE"
        line = (
            f"{name:<8} {format_cost(best.cost):>8} {format_cost(ours.cost):>8} "
            f"{gap:>6.2f} {len(ours.routes):>6}{mark}"
        )
        if not args.no_ortools:
            started = time.perf_counter()
            or_routes = solve_ortools(instance, args.time_limit)
            elapsed = time.perf_counter() - started
            theirs = check_routes(instance, or_routes)
            if or_routes and theirs.feasible:
                or_gap = gap_percent(theirs.cost / 10, best.cost / 10)
                or_gaps.append(or_gap)
                line += f" {format_cost(theirs.cost):>8} {or_gap:>6.2f} {len(or_routes):>6}"
            else:
                or_gaps.append(float("inf"))
                line += f" {'none':>8} {'-':>6} {'-':>6}"
            line += f"  ({elapsed:.1f} s)"
        print(line, flush=True)
    print(f"mean gap: PyVRP {statistics.mean(gaps):.2f} %", end="")
    if or_gaps:
        print(f", OR-Tools {statistics.mean(or_gaps):.2f} %", end="")
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
