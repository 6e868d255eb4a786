"""Plain values that go into and come out of route planning.

Times are whole seconds from the start of the planning day (0 = midnight of
the day being planned), so the caller decides the time zone once. Ids are the
caller's opaque strings (a household code, a membership code); nothing here
names a person or stores an address — only coordinates, which the caller
decrypts for the duration of a plan and drops afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class RoutingError(Exception):
    """Planning could not run: bad input, or the travel-time service failed."""


# Why a stop is left out of every run. Stable strings: callers map them to
# translated sentences; the detail text beside them is for logs and the CLI.
NO_DRIVER = "no_driver"
NO_LANGUAGE = "no_language"
OVER_CAPACITY = "over_capacity"
BEYOND_RANGE = "beyond_range"
WINDOW_UNREACHABLE = "window_unreachable"
NO_ROOM = "no_room"

REASONS = (NO_DRIVER, NO_LANGUAGE, OVER_CAPACITY, BEYOND_RANGE, WINDOW_UNREACHABLE, NO_ROOM)


@dataclass(frozen=True)
class Hub:
    id: str
    lat: float
    lon: float


@dataclass(frozen=True)
class Stop:
    id: str
    lat: float
    lon: float
    bags: int = 1
    service_s: int = 300
    window_start: int = 0
    window_end: int = 24 * 3600
    # A household's language; empty means any driver will do.
    language: str = ""


@dataclass(frozen=True)
class Driver:
    id: str
    hub_id: str
    available_start: int
    available_end: int
    capacity: int
    languages: frozenset[str] = field(default_factory=frozenset)
    max_route_s: int | None = None

    def speaks(self, language: str) -> bool:
        return not language or language in self.languages


@dataclass(frozen=True)
class Explanation:
    reason: str
    detail: str


@dataclass(frozen=True)
class Visit:
    stop_id: str
    arrival: int  # seconds from the day's start, when the driver gets there
    start: int  # when service starts (arrival, or the window's opening)


@dataclass(frozen=True)
class Run:
    driver_id: str
    hub_id: str
    visits: list[Visit]
    departure: int
    return_time: int
    bags: int
    distance_m: int

    @property
    def stop_ids(self) -> list[str]:
        return [v.stop_id for v in self.visits]


@dataclass(frozen=True)
class Plan:
    runs: list[Run]
    unassigned: dict[str, Explanation]
    feasible: bool = True
    solve_s: float = 0.0
    overhead_s: float = 0.0

    def run_for(self, driver_id: str) -> Run | None:
        return next((r for r in self.runs if r.driver_id == driver_id), None)

    def driver_of(self, stop_id: str) -> str | None:
        for run in self.runs:
            if stop_id in run.stop_ids:
                return run.driver_id
        return None
