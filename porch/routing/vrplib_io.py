"""Benchmark instances: Solomon and VRPLIB VRPTW files, and their solutions.

The DIMACS 2021 VRPTW convention is used throughout: the distance between two
points is their Euclidean distance truncated to one decimal, stored here as an
integer ×10 (so 827.3 is 8273); travel time equals distance; time windows and
service times are scaled by the same factor. A cost is printed by dividing by
10 again, so it is exact, never a rounded float.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import vrplib

from porch.routing.model import RoutingError

SCALE = 10


@dataclass(frozen=True)
class Instance:
    """A VRPTW benchmark instance; locations 0..num_depots-1 are depots."""

    name: str
    coords: np.ndarray  # (n, 2) floats, as in the file
    demand: np.ndarray  # (n,) ints
    capacity: int
    num_vehicles: int
    num_depots: int
    time_windows: np.ndarray  # (n, 2) ints, scaled
    service: np.ndarray  # (n,) ints, scaled
    distances: np.ndarray  # (n, n) ints, scaled; durations are the same

    @property
    def num_locations(self) -> int:
        return len(self.demand)

    @property
    def clients(self) -> range:
        return range(self.num_depots, self.num_locations)


@dataclass(frozen=True)
class BenchSolution:
    """Routes as lists of location numbers (depot excluded) and the file's cost."""

    routes: list[list[int]]
    cost: float | None


@dataclass(frozen=True)
class RouteCheck:
    feasible: bool
    problems: list[str]
    cost: int  # scaled


def _is_solomon(text: str) -> bool:
    return bool(re.search(r"^\s*CUSTOMER\s*$", text, re.M)) and "VEHICLE" in text


def _scaled(values: np.ndarray) -> np.ndarray:
    # Truncation, not rounding: the DIMACS convention. A tiny epsilon keeps
    # values such as 0.3 * 10 = 2.9999999999999996 from dropping a unit.
    return np.floor(np.asarray(values, dtype=float) * SCALE + 1e-9).astype(np.int64)


def read_instance(path: str | Path) -> Instance:
    """Read a Solomon-format or VRPLIB-format VRPTW instance."""
    path = Path(path)
    try:
        text = path.read_text()
    except OSError as exc:
        raise RoutingError(f"cannot read {path}: {exc.strerror}") from exc
    fmt = "solomon" if _is_solomon(text) else "vrplib"
    try:
        raw = vrplib.read_instance(path, instance_format=fmt)
    except Exception as exc:  # vrplib raises bare ValueError/IndexError/KeyError
        raise RoutingError(f"{path.name} is not a readable {fmt} instance: {exc}") from exc
    if "edge_weight" not in raw:
        raise RoutingError(f"{path.name} has no coordinates or edge weights")
    n = len(raw["edge_weight"])
    depots = np.atleast_1d(raw.get("depot", np.array([0])))
    if list(depots) != list(range(len(depots))):
        raise RoutingError(f"{path.name}: depots must be the first locations")
    num_depots = len(depots)
    demand = np.asarray(raw.get("demand", np.zeros(n)), dtype=np.int64).reshape(n)
    windows = raw.get("time_window")
    if windows is None:
        windows = np.tile(np.array([0, 10**9], dtype=float), (n, 1))
    service = raw.get("service_time", 0)
    if np.isscalar(service):
        service = np.full(n, service, dtype=float)
        service[:num_depots] = 0
    capacity = raw.get("capacity")
    if capacity is None:
        capacity = int(demand.sum()) or 1
    coords = raw.get("node_coord", np.zeros((n, 2)))
    return Instance(
        name=str(raw.get("name", path.stem)),
        coords=np.asarray(coords, dtype=float),
        demand=demand,
        capacity=int(np.max(capacity)),
        num_vehicles=int(raw.get("vehicles", n - num_depots)),
        num_depots=num_depots,
        time_windows=_scaled(windows),
        service=_scaled(service),
        distances=_scaled(raw["edge_weight"]),
    )


def read_solution(path: str | Path) -> BenchSolution:
    """Read a VRPLIB/Solomon .sol file: `Route #k: a b c` lines and `Cost X`."""
    try:
        raw = vrplib.read_solution(str(path))
    except OSError as exc:
        raise RoutingError(f"cannot read {path}: {exc.strerror}") from exc
    except Exception as exc:
        raise RoutingError(f"{Path(path).name} is not a readable solution: {exc}") from exc
    routes = [list(map(int, r)) for r in raw.get("routes", []) if len(r)]
    if not routes:
        raise RoutingError(f"{Path(path).name} holds no routes")
    cost = raw.get("cost")
    return BenchSolution(routes=routes, cost=None if cost is None else float(cost))


def check_routes(instance: Instance, routes: list[list[int]], depot: int = 0) -> RouteCheck:
    """Cost and feasibility of routes, computed here independently of any solver."""
    problems: list[str] = []
    d = instance.distances
    tw = instance.time_windows
    seen: dict[int, int] = {}
    total = 0
    if len(routes) > instance.num_vehicles:
        problems.append(f"{len(routes)} routes but only {instance.num_vehicles} vehicles")
    for k, route in enumerate(routes, start=1):
        load = 0
        here = depot
        clock = int(tw[depot, 0])
        for loc in route:
            if not (instance.num_depots <= loc < instance.num_locations):
                problems.append(f"route {k}: {loc} is not a client")
                continue
            if loc in seen:
                problems.append(f"client {loc} is on routes {seen[loc]} and {k}")
            seen[loc] = k
            total += int(d[here, loc])
            clock = max(clock + int(d[here, loc]), int(tw[loc, 0]))
            if clock > tw[loc, 1]:
                problems.append(f"route {k}: client {loc} reached after its window closes")
            clock += int(instance.service[loc])
            load += int(instance.demand[loc])
            here = loc
        total += int(d[here, depot])
        clock += int(d[here, depot])
        if clock > tw[depot, 1]:
            problems.append(f"route {k}: returns to the depot after it closes")
        if load > instance.capacity:
            problems.append(f"route {k}: load {load} exceeds capacity {instance.capacity}")
    missing = [c for c in instance.clients if c not in seen]
    if missing:
        problems.append(f"{len(missing)} clients not visited")
    return RouteCheck(feasible=not problems, problems=problems, cost=total)


def format_cost(scaled: int) -> str:
    """827.3 from 8273, exactly."""
    return f"{scaled // SCALE}.{scaled % SCALE}"


def gap_percent(cost: float, reference: float) -> float:
    if reference <= 0 or math.isinf(cost):
        return math.inf
    return 100.0 * (cost - reference) / reference
