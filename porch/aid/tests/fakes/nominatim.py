"""A fake self-hosted Nominatim on 127.0.0.1: GET /search?q=…&format=jsonv2&limit=N.

Answers with Nominatim's documented JSON place list ("lat"/"lon" as strings,
display_name, place_id, importance, category/type, addresstype), records every
request, and can misbehave: a status (429, 503), a hang, or a raw body.
"""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class FakeNominatim:
    def __init__(self):
        self.places: dict[str, tuple[float, float]] = {}
        self.requests: list[dict] = []
        self.status = 200
        self.raw: bytes | None = None
        self.hang = 0.0
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep addresses out of stderr
                pass

            def do_GET(self):
                parts = urlsplit(self.path)
                params = {k: v[0] for k, v in parse_qs(parts.query).items()}
                fake.requests.append(
                    {"path": parts.path, "params": params, "headers": dict(self.headers)}
                )
                if fake.hang:
                    time.sleep(fake.hang)
                if parts.path != "/search":
                    return self._send(404, b"[]")
                if fake.status != 200:
                    return self._send(fake.status, b'{"error": "busy"}')
                if fake.raw is not None:
                    return self._send(200, fake.raw)
                key = (params.get("q") or "").strip().lower()
                found = []
                if key in fake.places:
                    lat, lon = fake.places[key]
                    found.append(
                        {
                            "place_id": 100149,
                            "licence": "Data © OpenStreetMap contributors, ODbL 1.0.",
                            "osm_type": "node",
                            "osm_id": "107775",
                            "lat": f"{lat:.7f}",
                            "lon": f"{lon:.7f}",
                            "category": "place",
                            "type": "house",
                            "addresstype": "place",
                            "importance": 0.3,
                            "display_name": f"{params['q']}, Minneapolis, MN, United States",
                            "boundingbox": [str(lat), str(lat), str(lon), str(lon)],
                        }
                    )
                limit = int(params.get("limit") or 10)
                self._send(200, json.dumps(found[:limit]).encode())

            def _send(self, status, body):
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except OSError:
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
