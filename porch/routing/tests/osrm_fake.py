"""A small OSRM table server on loopback, speaking OSRM's v1 wire format.

GET /table/v1/{profile}/{lon,lat;lon,lat...}?annotations=duration,distance
[&sources=i;j&destinations=k;l] answers {"code": "Ok", "durations": [[...]],
"distances": [[...]], "sources": [...], "destinations": [...]}; errors are
HTTP 400 with {"code": ..., "message": ...}, as osrm-routed does. Travel
values are great-circle metres × 1.4 at 36 km/h, deliberately unlike Porch's
own haversine defaults so a test can tell which one was used.
"""

from __future__ import annotations

import json
import math
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

CIRCUITY = 1.4
SPEED_MS = 10.0


def road_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    (lon1, lat1), (lon2, lat2) = a, b
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6_371_008.8 * math.asin(math.sqrt(h)) * CIRCUITY


class FakeOsrm:
    def __init__(self, *, max_table_size: int = 100) -> None:
        self.max_table_size = max_table_size
        self.requests: list[str] = []
        self.answer_code: str | None = None  # force an error code, e.g. "NoSegment"
        self.unroutable: set[tuple[float, float]] = set()  # (lon, lat) with no road
        self.raw_body: bytes | None = None  # answer these bytes instead
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:
                fake.requests.append(self.path)
                status, body = fake.answer(self.path)
                payload = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=UTF-8")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> FakeOsrm:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def answer(self, path: str) -> tuple[int, dict | bytes]:
        if self.raw_body is not None:
            return 200, self.raw_body
        if self.answer_code is not None:
            return 400, {"code": self.answer_code, "message": "Could not find a matching segment"}
        parts = urlsplit(path)
        segments = parts.path.strip("/").split("/")
        if len(segments) != 4 or segments[:2] != ["table", "v1"]:
            return 400, {"code": "InvalidUrl", "message": "URL string malformed"}
        try:
            coords = [tuple(map(float, c.split(","))) for c in segments[3].split(";")]
        except ValueError:
            return 400, {"code": "InvalidQuery", "message": "Query string malformed"}
        if len(coords) > self.max_table_size:
            return 400, {"code": "TooBig", "message": "Too many table coordinates"}
        query = parse_qs(parts.query)
        wanted = set(query.get("annotations", ["duration"])[0].split(","))

        def indices(name: str) -> list[int]:
            if name not in query or query[name][0] == "all":
                return list(range(len(coords)))
            return [int(i) for i in query[name][0].split(";")]

        sources, destinations = indices("sources"), indices("destinations")
        if any(not 0 <= i < len(coords) for i in sources + destinations):
            return 400, {"code": "InvalidValue", "message": "Index out of range"}

        def value(i: int, j: int, per_metre: float) -> float | None:
            a, b = coords[i], coords[j]
            if i != j and (a in self.unroutable or b in self.unroutable):
                return None
            return round(road_m(a, b) * per_metre, 1)

        body: dict = {
            "code": "Ok",
            "sources": [{"location": list(coords[i]), "name": ""} for i in sources],
            "destinations": [{"location": list(coords[j]), "name": ""} for j in destinations],
        }
        if "duration" in wanted:
            body["durations"] = [[value(i, j, 1 / SPEED_MS) for j in destinations] for i in sources]
        if "distance" in wanted:
            body["distances"] = [[value(i, j, 1.0) for j in destinations] for i in sources]
        return 200, body
