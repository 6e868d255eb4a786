"""Offline geocoding: the city's address points, imported from open data.

`porch import-addresses FILE` loads an OpenAddresses-style CSV (LON, LAT,
NUMBER, STREET, UNIT, CITY, DISTRICT, REGION, POSTCODE, ...). Lookups never
leave the machine: an exact address by normalised street and number, or a
street corner as the point where the two streets' address points come
closest. A corner is good enough to print on an early sheet, never to route
a door: routing uses the confirmed address (or a map pick) only.
"""

import csv
import re
from dataclasses import dataclass

from django.db import transaction

from porch.aid.models import AddressPoint

SUFFIXES = {
    "STREET": "ST",
    "AVENUE": "AVE",
    "AV": "AVE",
    "ROAD": "RD",
    "BOULEVARD": "BLVD",
    "DRIVE": "DR",
    "LANE": "LN",
    "PLACE": "PL",
    "COURT": "CT",
    "TERRACE": "TER",
    "PARKWAY": "PKWY",
    "HIGHWAY": "HWY",
    "CIRCLE": "CIR",
    "NORTH": "N",
    "SOUTH": "S",
    "EAST": "E",
    "WEST": "W",
    "NORTHEAST": "NE",
    "NORTHWEST": "NW",
    "SOUTHEAST": "SE",
    "SOUTHWEST": "SW",
}
_WORD = re.compile(r"[A-Z0-9]+")
_ADDRESS = re.compile(r"^\s*(\d+[A-Za-z]?)\s+(.+?)\s*$")
_CORNER = re.compile(r"\s*(?:&|@|/|\band\b|\bat\b|\by\b)\s*", re.IGNORECASE)


def street_key(street: str) -> str:
    words = _WORD.findall((street or "").upper())
    return " ".join(SUFFIXES.get(w, w) for w in words)


@dataclass(frozen=True)
class Found:
    lat: float
    lon: float
    label: str


class ImportProblem(ValueError):
    pass


REQUIRED = ("LON", "LAT", "NUMBER", "STREET")


def import_csv(stream, *, replace: bool = False) -> int:
    """Load address points from a CSV; all rows or none."""
    reader = csv.DictReader(stream)
    header = [h.strip().upper() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ImportProblem(f"missing columns: {', '.join(missing)}")
    reader.fieldnames = header
    points = []
    for line, row in enumerate(reader, start=2):
        try:
            lon, lat = float(row["LON"]), float(row["LAT"])
        except (TypeError, ValueError):
            raise ImportProblem(f"line {line}: LON and LAT must be numbers") from None
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise ImportProblem(f"line {line}: coordinates out of range")
        number = (row.get("NUMBER") or "").strip().upper()
        street = (row.get("STREET") or "").strip()
        if not number or not street:
            raise ImportProblem(f"line {line}: NUMBER and STREET are required")
        points.append(
            AddressPoint(
                lat=lat,
                lon=lon,
                number=number[:16],
                street=street[:120],
                street_key=street_key(street)[:120],
                postcode=(row.get("POSTCODE") or "").strip()[:12],
            )
        )
    with transaction.atomic():
        if replace:
            AddressPoint.objects.all().delete()
        AddressPoint.objects.bulk_create(points, batch_size=2000)
    return len(points)


def find_address(text: str) -> Found | None:
    """ "1201 Cedar Ave S" → its point, or None."""
    match = _ADDRESS.match(text or "")
    if not match:
        return None
    number, street = match.group(1).upper(), street_key(match.group(2))
    point = AddressPoint.objects.filter(street_key=street, number=number).first()
    if point is None:
        # "1201 Cedar Ave S, Apt 3" or a postcode after a comma.
        head = street_key(match.group(2).split(",")[0])
        point = AddressPoint.objects.filter(street_key=head, number=number).first()
    if point is None:
        return None
    return Found(point.lat, point.lon, f"{point.number} {point.street}")


def find_corner(text: str) -> Found | None:
    """ "Cedar Ave & 12th St" → where the two streets' points come closest."""
    parts = [p for p in _CORNER.split(text or "") if p and p.strip()]
    if len(parts) != 2:
        return None
    first, second = (street_key(p) for p in parts)
    a = list(AddressPoint.objects.filter(street_key=first).values_list("lat", "lon"))
    b = list(AddressPoint.objects.filter(street_key=second).values_list("lat", "lon"))
    if not a or not b or first == second:
        return None
    best = min(
        ((p, q) for p in a for q in b),
        key=lambda pq: (pq[0][0] - pq[1][0]) ** 2 + (pq[0][1] - pq[1][1]) ** 2,
    )
    (lat1, lon1), (lat2, lon2) = best
    return Found((lat1 + lat2) / 2, (lon1 + lon2) / 2, f"{parts[0].strip()} & {parts[1].strip()}")


# ---- Self-hosted Nominatim fallback (issue 6) ---------------------------------
# Tried only when the offline table misses AND PORCH_NOMINATIM_URL is set (R4).
# One GET to <url>/search, short timeout, a User-Agent naming Porch (Nominatim's
# usage policy asks for an identifying one), nothing sent but the address text,
# and the address is never logged. Any failure is a miss: the caller asks for a
# map pick instead.

NOMINATIM_TIMEOUT = 3.0
USER_AGENT = "Porch/1.0 (mutual aid coordination; self-hosted geocoding)"


def find_nominatim(text: str, *, url: str | None = None) -> Found | None:
    import json
    import logging
    import urllib.error
    import urllib.parse
    import urllib.request

    from django.conf import settings

    base = url if url is not None else getattr(settings, "PORCH_NOMINATIM_URL", "")
    if not base or not (text or "").strip():
        return None
    if urllib.parse.urlsplit(base).scheme not in {"http", "https"}:
        return None  # settings refuse such a URL loudly; never open file: etc.
    query = urllib.parse.urlencode({"q": text.strip(), "format": "jsonv2", "limit": 1})
    request = urllib.request.Request(  # noqa: S310 (scheme checked just above)
        f"{base.rstrip('/')}/search?{query}",
        headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
    )
    log = logging.getLogger(__name__)
    try:
        with urllib.request.urlopen(request, timeout=NOMINATIM_TIMEOUT) as response:  # noqa: S310 (http(s) checked in settings)
            data = json.loads(response.read(1_000_000).decode("utf-8"))
        place = data[0]
        lat, lon = float(place["lat"]), float(place["lon"])
    except urllib.error.HTTPError as error:
        log.warning("nominatim answered %s; asking for a map pick", error.code)
        return None
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        # Timeouts, refused connections, malformed JSON, empty results.
        log.warning("nominatim gave no usable result; asking for a map pick")
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return Found(lat, lon, str(place.get("display_name") or text.strip())[:200])


def find(text: str) -> Found | None:
    """The offline table first; then the configured Nominatim, if any."""
    return find_address(text) or find_nominatim(text)
