"""A real HTTP server on 127.0.0.1 that a provider fake builds on.

It speaks HTTP/1.1 with keep-alive (so tests can see connections reused),
records every request, and can be switched to misbehave the ways real
gateways do: answer with an error status (429 with Retry-After, 500...),
hang until the client gives up, or go down altogether (connections refused,
open connections cut) and come back on the same port.
"""

import json
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]  # lower-case names
    body: bytes

    def json(self):
        return json.loads(self.body.decode("utf-8"))


@dataclass
class Reply:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, status: int, data, **headers) -> "Reply":
        return cls(
            status,
            json.dumps(data).encode("utf-8"),
            {"Content-Type": "application/json", **headers},
        )


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        # A client that timed out or a connection cut by down(): expected here.
        return


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "PorchFake/1"
    fake: "FakeGateway"

    def setup(self):
        super().setup()
        # Headers and body go out in separate writes; without this Nagle's
        # algorithm meets the client's delayed ACK and every kept-alive
        # request stalls ~40 ms (real gateways set it too).
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.fake._opened(self.connection)

    def finish(self):
        try:
            super().finish()
        finally:
            self.fake._closed(self.connection)

    def log_message(self, format, *args):  # noqa: A002 - quiet: paths carry numbers
        return

    def _serve(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        request = Request(
            self.command,
            self.path,
            {name.lower(): value for name, value in self.headers.items()},
            body,
        )
        reply = self.fake._dispatch(request)
        if reply is None:  # hung, then released: drop the connection unanswered
            self.close_connection = True
            return
        try:
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)
        except OSError:
            self.close_connection = True

    do_GET = _serve
    do_POST = _serve
    do_PUT = _serve
    do_DELETE = _serve


class FakeGateway:
    """Subclasses implement handle(request) -> Reply for their provider's API."""

    hang_seconds = 30.0

    def __init__(self):
        self.requests: list[Request] = []
        self.received: list[dict] = []
        self.connections = 0  # TCP connections accepted, over the fake's life
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._failure: tuple | None = None  # (status, retry_after, body, remaining)
        self._hang: int | None = None  # remaining hung requests; -1 = all
        self._release = threading.Event()
        self._server: _Server | None = None
        self.port = 0
        self.up()

    # ---- lifecycle ----------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def up(self) -> None:
        """Start (or restart after down()) on the same port."""
        if self._server is not None:
            return
        handler = type("Handler", (_Handler,), {"fake": self})
        self._release.clear()
        self._server = _Server(("127.0.0.1", self.port), handler)
        self.port = self._server.server_address[1]
        thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        thread.start()

    def down(self) -> None:
        """Refuse new connections and cut open ones, as a crashed gateway does."""
        if self._server is None:
            return
        self._release.set()
        self._server.shutdown()
        self._server.server_close()
        self._server = None
        with self._lock:
            sockets = list(self._open)
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    stop = down

    # ---- switches -----------------------------------------------------------
    def fail(
        self,
        status: int,
        *,
        times: int | None = None,
        retry_after: str | int | None = None,
        body=None,
    ) -> None:
        """Answer the next `times` requests (all, if None) with this status."""
        with self._lock:
            self._failure = (status, retry_after, body, -1 if times is None else times)

    def hang(self, *, times: int | None = None) -> None:
        """Hold the next `times` requests (all, if None) without answering."""
        with self._lock:
            self._hang = -1 if times is None else times
        self._release.clear()

    def behave(self) -> None:
        """Back to normal: no failures, no hanging."""
        with self._lock:
            self._failure = None
            self._hang = None
        self._release.set()

    # ---- internals ----------------------------------------------------------
    def _opened(self, sock) -> None:
        with self._lock:
            self.connections += 1
            self._open.add(sock)

    def _closed(self, sock) -> None:
        with self._lock:
            self._open.discard(sock)

    def _take(self, attribute: str):
        # Consume one use of a counted switch; return whether it applies.
        value = getattr(self, attribute)
        if value is None:
            return None
        if attribute == "_failure":
            status, retry_after, body, remaining = value
            if remaining == 0:
                self._failure = None
                return None
            if remaining > 0:
                self._failure = (status, retry_after, body, remaining - 1)
            return value
        if value == 0:
            self._hang = None
            return None
        if value > 0:
            self._hang = value - 1
        return value

    def _dispatch(self, request: Request) -> Reply | None:
        with self._lock:
            self.requests.append(request)
            hang = self._take("_hang")
            failure = None if hang is not None else self._take("_failure")
        if hang is not None:
            self._release.wait(self.hang_seconds)
            return None
        if failure is not None:
            status, retry_after, body, _remaining = failure
            headers = {} if retry_after is None else {"Retry-After": str(retry_after)}
            return Reply.json(
                status, body if body is not None else self.error_body(status), **headers
            )
        return self.handle(request)

    def error_body(self, status: int):
        return {"status": status, "message": "fake failure"}

    def handle(self, request: Request) -> Reply:
        raise NotImplementedError

    def record(self, **entry) -> None:
        with self._lock:
            self.received.append(entry)
