"""`porch bench-routing`: solve a benchmark instance and report it.

Kept apart from plan.py: benchmark instances are abstract (one depot,
Euclidean, a fleet of identical vehicles), while plan() speaks Porch's own
stops, drivers and hubs. Both pin PyVRP 0.14's API here, behind routing/.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from pyvrp import Client, Depot, Location, ProblemData, VehicleType
from pyvrp import solve as pyvrp_solve
from pyvrp.stop import MaxRuntime

from porch.routing.model import RoutingError
from porch.routing.vrplib_io import (
    Instance,
    check_routes,
    format_cost,
    gap_percent,
    read_instance,
    read_solution,
)


@dataclass(frozen=True)
class BenchResult:
    routes: list[list[int]]  # location numbers, as in a .sol file
    cost: int  # scaled (×10)
    feasible: bool
    problems: list[str]
    runtime_s: float
    iterations: int


class MaxCpuTime:
    """Stop after this many seconds of this process's CPU time.

    For benchmarks on a shared machine: "5 s on one core" then means five
    seconds of computing, however many other processes compete for the core.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.started: float | None = None

    def __call__(self, best_cost: int) -> bool:
        if self.started is None:
            self.started = time.process_time()
        return time.process_time() - self.started > self.seconds


def problem_data(instance: Instance) -> ProblemData:
    locations = [Location(x=float(x), y=float(y)) for x, y in instance.coords]
    tw = instance.time_windows
    depots = [
        Depot(location=i, tw_early=int(tw[i, 0]), tw_late=int(tw[i, 1]))
        for i in range(instance.num_depots)
    ]
    clients = [
        Client(
            location=i,
            delivery=[int(instance.demand[i])],
            service_duration=int(instance.service[i]),
            tw_early=int(tw[i, 0]),
            tw_late=int(tw[i, 1]),
        )
        for i in instance.clients
    ]
    # Depot 0 opening and closing bound every route, as in Solomon's files.
    vehicles = [
        VehicleType(
            num_available=instance.num_vehicles,
            capacity=[instance.capacity],
            start_depot=0,
            end_depot=0,
            tw_early=int(tw[0, 0]),
            tw_late=int(tw[0, 1]),
        )
    ]
    matrix: Any = np.ascontiguousarray(instance.distances, dtype=np.int64)  # stubs: ndarray[int]
    return ProblemData(locations, clients, depots, vehicles, [matrix], [matrix])


def solve_instance(
    instance: Instance, *, time_limit_s: float, seed: int = 1, cpu_clock: bool = False
) -> BenchResult:
    data = problem_data(instance)
    stop = MaxCpuTime(time_limit_s) if cpu_clock else MaxRuntime(time_limit_s)
    result = pyvrp_solve(data, stop=stop, seed=seed, display=False)
    best = result.best
    clients = data.clients()
    routes = [[clients[a.idx].location for a in r if a.is_client()] for r in best.routes()]
    check = check_routes(instance, routes)
    # Cross-check: PyVRP's own distance must match ours on the same matrix.
    if best.distance() != check.cost:
        raise RoutingError(f"cost mismatch: solver {best.distance()}, recomputed {check.cost}")
    return BenchResult(
        routes=routes,
        cost=check.cost,
        feasible=check.feasible and best.is_feasible(),
        problems=check.problems,
        runtime_s=result.runtime,
        iterations=result.num_iterations,
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="porch bench-routing",
        description="Solve a Solomon or VRPLIB VRPTW instance with PyVRP (DIMACS convention).",
    )
    parser.add_argument("file", help="instance file (Solomon .txt or VRPLIB .vrp)")
    parser.add_argument("--time-limit", type=float, required=True, metavar="S")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--solution", metavar="SOL", help="a .sol file to compare against")
    args = parser.parse_args(argv)
    if args.time_limit <= 0:
        parser.error("--time-limit must be positive")
    try:
        instance = read_instance(args.file)
        reference = read_solution(args.solution) if args.solution else None
        started = time.perf_counter()
        result = solve_instance(instance, time_limit_s=args.time_limit, seed=args.seed)
        wall = time.perf_counter() - started
    except RoutingError as exc:
        print(f"porch bench-routing: {exc}", file=sys.stderr)
        return 2
    out = sys.stdout
    print(f"instance   {instance.name}", file=out)
    print(f"cost       {format_cost(result.cost)}", file=out)
    print(f"routes     {len(result.routes)}", file=out)
    print(f"feasible   {'yes' if result.feasible else 'no'}", file=out)
    for problem in result.problems:
        print(f"  problem: {problem}", file=out)
    print(f"time       {wall:.1f} s ({result.iterations} iterations, seed {args.seed})", file=out)
    if reference is not None:
        ref = check_routes(instance, reference.routes)
        ref_cost = ref.cost / 10
        stated = "" if reference.cost is None else f", file states {reference.cost:.1f}"
        print(f"reference  {format_cost(ref.cost)} (recomputed{stated})", file=out)
        if not ref.feasible:
            print("  the reference solution is not feasible here:", file=out)
            for problem in ref.problems:
                print(f"  problem: {problem}", file=out)
        print(f"gap        {gap_percent(result.cost / 10, ref_cost):.2f} %", file=out)
    for k, route in enumerate(result.routes, start=1):
        print(f"Route #{k}: {' '.join(map(str, route))}", file=out)
    return 0 if result.feasible else 1
