"""Zone outlines: GeoJSON validation, centroid, and a small inline SVG.

Plain Python on purpose: outlines are a few hundred points at most, and a
zone map is drawn on our own server with no tiles and no JavaScript.
Positions are GeoJSON's [longitude, latitude].
"""

import json
import math
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_POSITIONS = 5000
MAX_TEXT = 500_000


def _position(value) -> tuple[float, float]:
    if not isinstance(value, list) or len(value) not in (2, 3):
        raise ValidationError(_("Each point must be a pair of numbers: [longitude, latitude]."))
    if not all(isinstance(n, int | float) and not isinstance(n, bool) for n in value):
        raise ValidationError(_("Each point must be a pair of numbers: [longitude, latitude]."))
    try:
        lon, lat = float(value[0]), float(value[1])
    except OverflowError:
        lon = lat = math.inf
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise ValidationError(_("Each point must be a pair of numbers: [longitude, latitude]."))
    if not -180 <= lon <= 180 or not -90 <= lat <= 90:
        raise ValidationError(
            _(
                "A point is out of range: longitude must be between -180 and 180 "
                "and latitude between -90 and 90."
            )
        )
    return lon, lat


def _ring(value) -> list[list[float]]:
    if not isinstance(value, list) or len(value) < 4:
        raise ValidationError(_("Each ring of the outline needs at least four points."))
    points = [_position(p) for p in value]
    if points[0] != points[-1]:
        raise ValidationError(
            _("Each ring of the outline must be closed: its last point must equal its first.")
        )
    return [[lon, lat] for lon, lat in points]


def _polygon(value) -> list[list[list[float]]]:
    if not isinstance(value, list) or not value:
        raise ValidationError(_("A polygon needs at least one ring of points."))
    return [_ring(r) for r in value]


def parse_outline(text: str) -> dict:
    """Parse pasted GeoJSON into a clean Polygon or MultiPolygon geometry."""
    if len(text) > MAX_TEXT:
        raise ValidationError(_("That outline is too large."))
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise ValidationError(_("The outline is not valid JSON.")) from None
    if isinstance(data, dict) and data.get("type") == "Feature":
        data = data.get("geometry")
    if not isinstance(data, dict) or data.get("type") not in ("Polygon", "MultiPolygon"):
        raise ValidationError(_("The outline must be a GeoJSON Polygon or MultiPolygon."))
    coordinates = data.get("coordinates")
    if data["type"] == "Polygon":
        clean = {"type": "Polygon", "coordinates": _polygon(coordinates)}
    else:
        if not isinstance(coordinates, list) or not coordinates:
            raise ValidationError(_("A MultiPolygon needs at least one polygon."))
        clean = {"type": "MultiPolygon", "coordinates": [_polygon(p) for p in coordinates]}
    if sum(len(ring) for poly in _polygons(clean) for ring in poly) > MAX_POSITIONS:
        raise ValidationError(_("That outline has too many points."))
    if centroid(clean) is None:
        raise ValidationError(_("The outline has no area."))
    return clean


def _polygons(outline: dict) -> list:
    if not outline:
        return []
    if outline.get("type") == "Polygon":
        return [outline["coordinates"]]
    if outline.get("type") == "MultiPolygon":
        return list(outline["coordinates"])
    return []


def _ring_area_and_centroid(ring) -> tuple[float, float, float]:
    """Signed area (shoelace) and centroid of one ring, in degrees."""
    area2 = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
        cross = x0 * y1 - x1 * y0
        area2 += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if area2 == 0:
        return 0.0, 0.0, 0.0
    return area2 / 2, cx / (3 * area2), cy / (3 * area2)


def centroid(outline: dict) -> tuple[float, float] | None:
    """Area-weighted centroid as (lat, lon); holes subtract. None if no area."""
    total = sx = sy = 0.0
    for polygon in _polygons(outline):
        for index, ring in enumerate(polygon):
            area, cx, cy = _ring_area_and_centroid([tuple(p[:2]) for p in ring])
            weight = abs(area) if index == 0 else -abs(area)
            total += weight
            sx += weight * cx
            sy += weight * cy
    if abs(total) < 1e-12:
        return None
    return sy / total, sx / total


@dataclass(frozen=True)
class Shape:
    code: str
    name: str
    path: str
    label_x: float
    label_y: float


@dataclass(frozen=True)
class Map:
    view_box: str
    shapes: list[Shape]


def draw(zones, *, width: float = 600.0) -> Map | None:
    """Project zone outlines into SVG path data (equirectangular, north up)."""
    outlined = [z for z in zones if _polygons(z.outline)]
    if not outlined:
        return None
    lons = [p[0] for z in outlined for poly in _polygons(z.outline) for r in poly for p in r]
    lats = [p[1] for z in outlined for poly in _polygons(z.outline) for r in poly for p in r]
    min_lon, max_lon, min_lat, max_lat = min(lons), max(lons), min(lats), max(lats)
    squash = math.cos(math.radians((min_lat + max_lat) / 2))
    span_x = max((max_lon - min_lon) * squash, 1e-9)
    span_y = max(max_lat - min_lat, 1e-9)
    scale = width / max(span_x, span_y)
    pad = 10.0

    def project(lon: float, lat: float) -> tuple[float, float]:
        return pad + (lon - min_lon) * squash * scale, pad + (max_lat - lat) * scale

    shapes = []
    for zone in outlined:
        parts = []
        for poly in _polygons(zone.outline):
            for ring in poly:
                points = [project(p[0], p[1]) for p in ring]
                parts.append("M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in points[:-1]) + " Z")
        middle = centroid(zone.outline)
        label_x, label_y = project(middle[1], middle[0]) if middle else (pad, pad)
        shapes.append(Shape(zone.code, zone.name, " ".join(parts), label_x, label_y))
    view_w = span_x * scale + 2 * pad
    view_h = span_y * scale + 2 * pad
    return Map(f"0 0 {view_w:.1f} {view_h:.1f}", shapes)
