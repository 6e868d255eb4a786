"""The one HTTP client every REST channel uses: standard library, keep-alive.

Design note. Sending 30,000 alerts means 30,000 POSTs to one gateway, so each
worker thread keeps one persistent connection per gateway origin (a pool of
`http.client` connections in a thread-local dict) instead of paying a TCP and
TLS handshake per message. A kept-alive connection that the server closed
while idle is detected on the next request (nothing sent yet, or the status
line never arrived) and the request is retried once on a fresh connection;
every send carries an idempotency key, so that retry is safe.

Failures come back as `TransportError(reason)` with a short machine reason
("timeout", "connection_refused", "connection_error") for `SendResult.reason`.
Nothing here logs: request bodies carry phone numbers and message text.
"""

import base64
import email.utils
import http.client
import json
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

_local = threading.local()

# Errors that mean "a reused connection had gone stale": safe to retry once.
_STALE = (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError)


class TransportError(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes

    def json(self):
        """The body as JSON, or None when it is not JSON."""
        try:
            return json.loads(self.body.decode("utf-8") or "null")
        except (UnicodeDecodeError, ValueError):
            return None

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")


def basic_auth(user: str, password: str) -> str:
    token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    return f"Basic {token}"


def retry_after_seconds(value: str, *, now: float | None = None) -> float | None:
    """Retry-After as seconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3)."""
    value = (value or "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    delta = when.timestamp() - (time.time() if now is None else now)
    return max(0.0, delta)


def _pool() -> dict:
    pool = getattr(_local, "connections", None)
    if pool is None:
        pool = _local.connections = {}
    return pool


def close_all() -> None:
    """Close this thread's pooled connections (tests, worker shutdown)."""
    pool = _pool()
    for connection in pool.values():
        connection.close()
    pool.clear()


class Endpoint:
    """A gateway's base URL (scheme, host, port and an optional path prefix)."""

    def __init__(self, base_url: str, *, timeout: float):
        parts = urlsplit(base_url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise ValueError("a gateway URL looks like https://host[:port][/prefix]")
        self.scheme = parts.scheme
        self.host = parts.hostname
        self.port = parts.port or (443 if parts.scheme == "https" else 80)
        self.prefix = parts.path.rstrip("/")
        self.timeout = timeout

    @property
    def _key(self) -> tuple:
        return (self.scheme, self.host, self.port)

    def _connection(self) -> tuple[http.client.HTTPConnection, bool]:
        pool = _pool()
        connection = pool.get(self._key)
        if connection is not None:
            return connection, True
        if self.scheme == "https":
            connection = http.client.HTTPSConnection(self.host, self.port, timeout=self.timeout)
        else:
            connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        pool[self._key] = connection
        return connection, False

    def _discard(self) -> None:
        connection = _pool().pop(self._key, None)
        if connection is not None:
            connection.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
        timeout: float | None = None,
    ) -> Response:
        wait = self.timeout if timeout is None else timeout
        all_headers = {"Connection": "keep-alive", "User-Agent": "Porch"}
        all_headers.update(headers or {})
        for attempt in (1, 2):
            connection, reused = self._connection()
            connection.timeout = wait
            if connection.sock is not None:
                connection.sock.settimeout(wait)
            try:
                connection.request(method, self.prefix + path, body=body, headers=all_headers)
                raw = connection.getresponse()
                payload = raw.read()
            except _STALE:
                self._discard()
                if reused and attempt == 1:
                    continue
                raise TransportError("connection_error") from None
            except TimeoutError:
                self._discard()
                raise TransportError("timeout") from None
            except ConnectionRefusedError:
                self._discard()
                raise TransportError("connection_refused") from None
            except (OSError, http.client.HTTPException):
                self._discard()
                raise TransportError("connection_error") from None
            if raw.will_close:
                self._discard()
            names = {name.lower(): value for name, value in raw.getheaders()}
            return Response(raw.status, names, payload)
        raise TransportError("connection_error")  # pragma: no cover - loop always returns
