"""The plan page's map: zone outlines and each run's stops, coarsened to zones.

R31: a coordinator never sees addresses in bulk, so no stop is drawn where
it is. A run's stops in one zone become one numbered marker at that zone's
centroid (nudged around it when several runs share the zone), with the
number of its stops there; nothing finer than the zone reaches the page.
Stops without a zone are not drawn (the runs table still counts them).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from porch.coalition import geo


@dataclass(frozen=True)
class Marker:
    x: float
    y: float
    number: int
    stops: int
    zone: str


@dataclass(frozen=True)
class PlanMap:
    view_box: str
    shapes: list
    markers: list[Marker]


def _rings(outline: dict):
    kind = outline.get("type") if outline else None
    polygons = (
        [outline["coordinates"]]
        if kind == "Polygon"
        else list(outline["coordinates"])
        if kind == "MultiPolygon"
        else []
    )
    return [ring for polygon in polygons for ring in polygon]


def draw(numbered_runs, zones, *, width: float = 600.0) -> PlanMap | None:
    """`numbered_runs`: (number, [zone or None for each stop]) per run."""
    drawn = geo.draw(zones, width=width)
    if drawn is None:
        return None
    # The projection of porch.coalition.geo.draw, repeated for the markers.
    points = [p for z in zones for ring in _rings(z.outline) for p in ring]
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    min_lon, max_lon, min_lat, max_lat = min(lons), max(lons), min(lats), max(lats)
    squash = math.cos(math.radians((min_lat + max_lat) / 2))
    scale = width / max((max_lon - min_lon) * squash, max_lat - min_lat, 1e-9)
    pad = 10.0

    per_zone: dict[int, list[tuple[int, int]]] = {}
    where = {}
    for number, stop_zones in numbered_runs:
        counts: dict[int, int] = {}
        for zone in stop_zones:
            if zone is None or zone.centroid_lat is None or zone.centroid_lon is None:
                continue
            counts[zone.pk] = counts.get(zone.pk, 0) + 1
            where[zone.pk] = zone
        for zone_pk, count in counts.items():
            per_zone.setdefault(zone_pk, []).append((number, count))
    markers = []
    for zone_pk, runs in per_zone.items():
        zone = where[zone_pk]
        cx = pad + (zone.centroid_lon - min_lon) * squash * scale
        cy = pad + (max_lat - zone.centroid_lat) * scale
        radius = 0.0 if len(runs) == 1 else 16.0
        for k, (number, count) in enumerate(runs):
            angle = 2 * math.pi * k / len(runs)
            markers.append(
                Marker(
                    round(cx + radius * math.cos(angle), 1),
                    round(cy + radius * math.sin(angle), 1),
                    number,
                    count,
                    zone.name,
                )
            )
    return PlanMap(drawn.view_box, drawn.shapes, markers)
