"""Travel distances and times between points: the one seam to the outside.

A provider turns a list of (lat, lon) points into two square integer
matrices — metres and seconds — because PyVRP works on integers. The default,
HaversineProvider, needs nothing: great-circle distance times a circuity
factor (streets are not straight; ~1.3 in a grid city) at an average speed.
OsrmTableProvider asks a self-hosted OSRM for road times. Coordinates are
sent only to the URL the operator configured — never a public router, which
would receive every household's location.
"""

from __future__ import annotations

import json
import math
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from porch.routing.model import RoutingError

EARTH_RADIUS_M = 6_371_008.8

# Stands for "no road between these points" in a matrix: far beyond any day,
# small enough that sums of a few of them stay well inside int64 and PyVRP's
# own limits.
UNREACHABLE = 10**9

Point = tuple[float, float]  # (lat, lon)


@dataclass(frozen=True)
class Matrices:
    distance_m: np.ndarray  # (n, n) int64
    duration_s: np.ndarray  # (n, n) int64


class DistanceProvider(Protocol):
    def matrices(self, points: Sequence[Point]) -> Matrices: ...


def haversine_m(points: Sequence[Point]) -> np.ndarray:
    """Great-circle distances in metres, as floats, for every pair."""
    pts = np.radians(np.asarray(points, dtype=float).reshape(-1, 2))
    lat, lon = pts[:, 0:1], pts[:, 1:2]
    dlat = lat - lat.T
    dlon = lon - lon.T
    a = np.sin(dlat / 2) ** 2 + np.cos(lat) * np.cos(lat.T) * np.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


@dataclass(frozen=True)
class HaversineProvider:
    circuity: float = 1.3
    speed_kmh: float = 25.0

    def __post_init__(self) -> None:
        if not (self.circuity >= 1.0 and math.isfinite(self.circuity)):
            raise RoutingError("circuity must be a finite number of at least 1")
        if not (self.speed_kmh > 0 and math.isfinite(self.speed_kmh)):
            raise RoutingError("speed must be a positive number of km/h")

    def matrices(self, points: Sequence[Point]) -> Matrices:
        road = haversine_m(points) * self.circuity
        seconds = road / (self.speed_kmh / 3.6)
        return Matrices(
            distance_m=np.rint(road).astype(np.int64),
            duration_s=np.rint(seconds).astype(np.int64),
        )


@dataclass(frozen=True)
class OsrmTableProvider:
    """OSRM's table service: GET /table/v1/{profile}/{lon,lat;...}.

    OSRM limits how many locations one table request may hold
    (osrm-routed --max-table-size, 100 by default), so large matrices are
    fetched block by block with `sources` and `destinations` indices.
    """

    base_url: str
    profile: str = "driving"
    max_table_size: int = 100
    timeout_s: float = 30.0

    def __post_init__(self) -> None:
        if not self.base_url.startswith(("http://", "https://")):
            raise RoutingError("the OSRM URL must start with http:// or https://")
        if self.max_table_size < 2:
            raise RoutingError("max_table_size must be at least 2")

    def matrices(self, points: Sequence[Point]) -> Matrices:
        n = len(points)
        distance = np.zeros((n, n), dtype=np.int64)
        duration = np.zeros((n, n), dtype=np.int64)
        if n == 0:
            return Matrices(distance, duration)
        block = n if n <= self.max_table_size else self.max_table_size // 2
        for i0 in range(0, n, block):
            rows = list(range(i0, min(i0 + block, n)))
            for j0 in range(0, n, block):
                cols = list(range(j0, min(j0 + block, n)))
                dur, dist = self._table(points, rows, cols, whole=block == n)
                distance[np.ix_(rows, cols)] = dist
                duration[np.ix_(rows, cols)] = dur
        np.fill_diagonal(distance, 0)
        np.fill_diagonal(duration, 0)
        return Matrices(distance, duration)

    def _table(
        self, points: Sequence[Point], rows: list[int], cols: list[int], *, whole: bool
    ) -> tuple[np.ndarray, np.ndarray]:
        if whole:
            chosen = rows
            query = "annotations=duration,distance"
        else:
            chosen = sorted(set(rows) | set(cols))
            where = {p: k for k, p in enumerate(chosen)}
            query = (
                "annotations=duration,distance"
                f"&sources={';'.join(str(where[r]) for r in rows)}"
                f"&destinations={';'.join(str(where[c]) for c in cols)}"
            )
        coords = ";".join(f"{points[p][1]:.6f},{points[p][0]:.6f}" for p in chosen)
        url = f"{self.base_url.rstrip('/')}/table/v1/{self.profile}/{coords}?{query}"
        body = self._get(url)
        if body.get("code") != "Ok":
            message = body.get("message") or "no message"
            raise RoutingError(f"OSRM answered {body.get('code')!r}: {message}")
        try:
            dur = _matrix(body["durations"], len(rows), len(cols))
            dist = _matrix(body["distances"], len(rows), len(cols))
        except (KeyError, TypeError, ValueError) as exc:
            raise RoutingError(f"OSRM's table answer is malformed: {exc}") from exc
        return dur, dist

    def _get(self, url: str) -> dict:
        # The scheme is checked in __post_init__: only http(s) URLs get here.
        request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:  # noqa: S310
                payload = response.read()
        except urllib.error.HTTPError as exc:
            # OSRM answers errors with HTTP 400 and a JSON body holding the code.
            payload = exc.read()
            if not payload:
                raise RoutingError(f"OSRM answered HTTP {exc.code}") from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise RoutingError(f"OSRM at {self.base_url} is unreachable: {reason}") from exc
        try:
            body = json.loads(payload)
        except ValueError as exc:
            raise RoutingError("OSRM's answer is not JSON") from exc
        if not isinstance(body, dict):
            raise RoutingError("OSRM's answer is not a JSON object")
        return body


def _matrix(rows: list, n_rows: int, n_cols: int) -> np.ndarray:
    if len(rows) != n_rows or any(len(r) != n_cols for r in rows):
        raise ValueError(f"expected a {n_rows}×{n_cols} matrix")
    # null means OSRM found no route between the two points.
    values = [[UNREACHABLE if v is None else float(v) for v in r] for r in rows]
    out = np.rint(np.asarray(values, dtype=float))
    if (out < 0).any():
        raise ValueError("negative travel values")
    return np.minimum(out, UNREACHABLE).astype(np.int64)
